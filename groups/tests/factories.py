import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from groups.models import Group, GroupNote, Membership


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    visibility = Group.Visibility.PUBLIC
    created_by = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER


class GroupNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupNote

    author = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Discussion note {n}")
    created_at = factory.LazyFunction(timezone.now)
