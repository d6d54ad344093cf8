import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark, Page, Snapshot, Tag


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    url = factory.Sequence(lambda n: f"https://example.org/articles/{n}")
    title = factory.Sequence(lambda n: f"Article {n}")


class SnapshotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Snapshot

    page = factory.SubFactory(PageFactory)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    page = factory.SubFactory(PageFactory)
    url = factory.LazyAttribute(lambda b: b.page.url)
    title = factory.LazyAttribute(lambda b: b.page.title)
    created_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)
