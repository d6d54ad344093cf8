from datetime import UTC, datetime

import pytest

from accounts.tests.factories import UserFactory
from bookmarks.tests.factories import BookmarkFactory, PageFactory, TagFactory
from groups.models import GroupItem, GroupItemTag, Membership
from groups.services import (
    NotAMember,
    Share,
    add_member,
    create_group,
    remove_items,
    set_item_tags,
    share_bookmark,
    share_bookmarks,
)
from groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

EARLY = datetime(2019, 5, 1, tzinfo=UTC)
LATE = datetime(2023, 5, 1, tzinfo=UTC)


def test_create_group_makes_its_creator_owner(user):
    group = create_group(name="讀書會", slug="讀書會", created_by=user, visibility="private")
    assert Membership.objects.get(group=group, user=user).role == "owner"


def test_only_members_share():
    bookmark = BookmarkFactory()
    with pytest.raises(NotAMember):
        share_bookmark(bookmark=bookmark, group=GroupFactory())
    assert not GroupItem.objects.exists()


def test_one_item_per_page_and_the_earliest_share_leads():
    group, page = GroupFactory(), PageFactory()
    alice, bob = UserFactory(), UserFactory()
    for person in (alice, bob):
        add_member(group=group, user=person)
    a_tag, b_tag = TagFactory(name="a"), TagFactory(name="b")
    late = BookmarkFactory(user=alice, page=page, tags=[a_tag])
    early = BookmarkFactory(user=bob, page=page, tags=[b_tag])

    item = share_bookmark(bookmark=late, group=group, shared_at=LATE)
    assert share_bookmark(bookmark=early, group=group, shared_at=EARLY) == item
    share_bookmark(bookmark=early, group=group, shared_at=LATE)  # again: no change

    item.refresh_from_db()
    assert (item.shared_by, item.shared_at) == (bob, EARLY)
    assert [s.bookmark for s in item.shares.all()] == [early, late]
    links = GroupItemTag.objects.filter(item=item)
    assert {link.tag.name for link in links} == {"a", "b"}
    assert {(link.group_id, link.shared_at) for link in links} == {(group.pk, EARLY)}


def test_set_item_tags_and_remove_items(user):
    group = GroupFactory()
    add_member(group=group, user=user)
    bookmark = BookmarkFactory(user=user, tags=[TagFactory(name="old")])
    item = share_bookmark(bookmark=bookmark, group=group)
    new = TagFactory(name="new")
    set_item_tags(item=item, tags=[new])
    assert list(item.tags.all()) == [new]
    assert list(bookmark.tags.values_list("name", flat=True)) == ["old"]

    assert remove_items(items=[item]) == 1
    assert not GroupItem.objects.exists() and not GroupItemTag.objects.exists()
    bookmark.refresh_from_db()  # the bookmark stays


def test_add_member_changes_role_without_duplicating(user):
    group = GroupFactory()
    add_member(group=group, user=user)
    add_member(group=group, user=user, role=Membership.Role.MODERATOR)
    assert Membership.objects.get(group=group, user=user).role == "moderator"


def test_share_bookmarks_many_people_one_page_in_one_call():
    group, page = GroupFactory(), PageFactory()
    alice, bob = UserFactory(), UserFactory()
    late = BookmarkFactory(user=alice, page=page)
    early = BookmarkFactory(user=bob, page=page)
    tag = TagFactory(name="shared")
    shares = [
        Share(late, LATE, frozenset({tag.pk})),
        Share(early, EARLY, frozenset()),
    ]
    assert share_bookmarks(group=group, shares=shares) == 2
    assert share_bookmarks(group=group, shares=shares) == 0
    item = GroupItem.objects.get()
    assert (item.shared_by, item.shared_at) == (bob, EARLY)
    assert list(GroupItemTag.objects.values_list("tag", "shared_at")) == [(tag.pk, EARLY)]
