import factory
from django.utils import timezone

from annotations.models import Highlight, Note
from bookmarks.tests.factories import BookmarkFactory


class HighlightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Highlight

    bookmark = factory.SubFactory(BookmarkFactory)
    quote = factory.Sequence(lambda n: f"A passage worth keeping, number {n}.")
    ordinal = factory.Sequence(lambda n: n)
    created_at = factory.LazyFunction(timezone.now)


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    bookmark = factory.SubFactory(BookmarkFactory)
    text = factory.Sequence(lambda n: f"Sticky note {n}")
    created_at = factory.LazyFunction(timezone.now)
