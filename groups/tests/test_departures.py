"""Leaving cleanly: items pass to the next sharer or leave with the last one;
a group always keeps an owner."""

from datetime import UTC, datetime

import pytest

from accounts.models import User
from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark, BookmarkTag
from bookmarks.tests.factories import BookmarkFactory, PageFactory, TagFactory
from groups.departures import (
    LastOwner,
    change_role,
    delete_account,
    delete_bookmarks,
    remove_member,
    unshare_bookmark,
)
from groups.models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership
from groups.services import add_group_note, add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

T1, T2, T3 = (datetime(2020 + n, 1, 1, tzinfo=UTC) for n in range(3))


@pytest.fixture
def shared_page():
    """One page shared into a group by three people, earliest first."""
    owner = UserFactory(username="owner")
    group = create_group(name="G", slug="g", created_by=owner, visibility="public")
    page = PageFactory()
    tag = TagFactory(name="kept")
    people, bookmarks = [], []
    for name, when in (("first", T1), ("second", T2), ("third", T3)):
        person = UserFactory(username=name)
        add_member(group=group, user=person)
        bookmark = BookmarkFactory(user=person, page=page, tags=[tag])
        share_bookmark(bookmark=bookmark, group=group, shared_at=when)
        people.append(person)
        bookmarks.append(bookmark)
    return group, GroupItem.objects.get(), people, bookmarks


def lead(item):
    item.refresh_from_db()
    return item.shared_by.username, item.shared_at


def test_unsharing_the_first_share_passes_the_item_on(shared_page):
    group, item, people, bookmarks = shared_page
    highlight = add_highlight(bookmark=bookmarks[0], quote="first's passage")
    add_group_note(item=item, author=people[1], highlight=highlight, text="on first's passage")
    add_group_note(item=item, author=people[1], text="on the item")

    unshare_bookmark(bookmark=bookmarks[0], group=group)

    assert lead(item) == ("second", T2)
    assert set(GroupItemTag.objects.values_list("shared_at", flat=True)) == {T2}
    assert list(GroupNote.objects.values_list("text", flat=True)) == ["on the item"]
    assert Bookmark.objects.filter(pk=bookmarks[0].pk).exists()  # only unshared
    assert Highlight.objects.filter(pk=highlight.pk).exists()


def test_unsharing_a_later_share_leaves_the_lead_alone(shared_page):
    group, item, _people, bookmarks = shared_page
    unshare_bookmark(bookmark=bookmarks[1], group=group)
    assert lead(item) == ("first", T1)
    assert GroupShare.objects.count() == 2


def test_the_last_sharer_takes_the_item_out_of_the_group(shared_page):
    group, item, people, bookmarks = shared_page
    add_group_note(item=item, author=people[0], text="discussion")
    for bookmark in bookmarks:
        unshare_bookmark(bookmark=bookmark, group=group)
    assert not GroupItem.objects.exists()
    assert not GroupNote.objects.exists() and not GroupItemTag.objects.exists()
    assert Bookmark.objects.count() == 3


def test_deleting_a_bookmark_does_the_same(shared_page):
    _group, item, _people, bookmarks = shared_page
    add_note(bookmark=bookmarks[0], text="mine")
    assert delete_bookmarks(bookmarks=[bookmarks[0]]) == 1
    assert lead(item) == ("second", T2)
    assert not Note.objects.exists()
    assert not BookmarkTag.objects.filter(bookmark_id=bookmarks[0].pk).exists()
    assert delete_bookmarks(bookmarks=Bookmark.objects.all()) == 2
    assert not GroupItem.objects.exists()


def test_deleting_an_account_takes_everything_that_is_theirs(shared_page):
    group, item, people, bookmarks = shared_page
    first = people[0]
    highlight = add_highlight(bookmark=bookmarks[0], quote="q")
    add_note(bookmark=bookmarks[0], highlight=highlight, text="n")
    add_group_note(item=item, author=first, text="first's reply")
    add_group_note(item=item, author=people[1], text="second's reply")

    delete_account(user=first)

    assert not User.objects.filter(username="first").exists()
    assert not Bookmark.objects.filter(user_id=first.pk).exists()
    assert not Highlight.objects.exists() and not Note.objects.exists()
    assert not Membership.objects.filter(user_id=first.pk).exists()
    assert list(GroupNote.objects.values_list("text", flat=True)) == ["second's reply"]
    assert lead(item) == ("second", T2)


def test_a_sole_owner_hands_the_group_to_a_moderator_first():
    owner, member, moderator = UserFactory(), UserFactory(), UserFactory()
    group = create_group(name="G", slug="g", created_by=owner, visibility="private")
    add_member(group=group, user=member)
    add_member(group=group, user=moderator, role=Membership.Role.MODERATOR)
    delete_account(user=owner)
    assert Membership.objects.get(group=group, user=moderator).role == "owner"
    assert Membership.objects.get(group=group, user=member).role == "member"


def test_a_group_with_no_one_left_goes_with_its_owner():
    owner = UserFactory()
    group = create_group(name="G", slug="g", created_by=owner, visibility="public")
    bookmark = BookmarkFactory(user=owner)
    share_bookmark(bookmark=bookmark, group=group)
    delete_account(user=owner)
    assert not Group.objects.exists() and not GroupItem.objects.exists()


def test_a_group_always_keeps_an_owner():
    owner, other = UserFactory(), UserFactory()
    group = create_group(name="G", slug="g", created_by=owner, visibility="public")
    add_member(group=group, user=other)
    with pytest.raises(LastOwner):
        change_role(group=group, user=owner, role="member")
    with pytest.raises(LastOwner):
        remove_member(group=group, user=owner)
    change_role(group=group, user=other, role="owner")
    change_role(group=group, user=owner, role="member")
    remove_member(group=group, user=owner)
    assert list(Membership.objects.values_list("role", flat=True)) == ["owner"]


def test_leaving_keeps_what_was_shared(shared_page):
    group, item, people, _bookmarks = shared_page
    remove_member(group=group, user=people[0])
    assert lead(item) == ("first", T1)


def test_deleting_in_admin_hands_items_on_too(admin_client, shared_page):
    from django.urls import reverse

    _group, item, people, bookmarks = shared_page
    url = reverse("admin:bookmarks_bookmark_delete", args=[bookmarks[0].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert lead(item) == ("second", T2)
    url = reverse("admin:accounts_user_delete", args=[people[1].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
    assert lead(item) == ("third", T3)
