"""Editing, deleting and marking one's own bookmarks to read."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark
from bookmarks.services import save_bookmark
from groups.departures import remove_member
from groups.models import Group, GroupItem, GroupShare
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def bookmark(user):
    bookmark, _ = save_bookmark(
        user=user,
        url="https://example.org/essay",
        title="An essay",
        description="Why it matters",
        tag_names=["Writing", "設計"],
    )
    return bookmark


def edit_url(bookmark) -> str:
    return reverse("bookmarks:edit", args=[bookmark.pk])


def make_group(owner, name) -> Group:
    slug = f"g{Group.objects.count() + 1}"
    return create_group(name=name, slug=slug, created_by=owner, visibility="public")


def post_edit(client, bookmark, **fields):
    data = {
        "title": bookmark.title,
        "description": bookmark.description,
        "tags": ", ".join(bookmark.tags.values_list("name", flat=True)),
    }
    data.update(fields)
    return client.post(edit_url(bookmark), data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Edit ---------------------------------------------------------------------


def test_the_edit_form_shows_what_is_saved(signed_in, user, bookmark):
    group = make_group(user, "Shared here")
    other = make_group(user, "Not shared here")
    share_bookmark(bookmark=bookmark, group=group)
    body = signed_in.get(edit_url(bookmark)).content.decode()
    assert 'value="An essay"' in body
    assert "Why it matters</textarea>" in body
    assert 'value="Writing, 設計"' in body
    assert 'value="https://example.org/essay"' in body and "disabled" in body
    assert re.search(rf'value="{group.pk}" id="id_groups_\d" checked', body)
    assert re.search(rf'value="{other.pk}" id="id_groups_\d">', body)
    assert reverse("bookmarks:delete", args=[bookmark.pk]) in body


def test_editing_sets_every_field(signed_in, bookmark):
    response = post_edit(
        signed_in,
        bookmark,
        title="Renamed 改名",
        description="",
        tags="new-tag",
        is_private="on",
        to_read="on",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:detail", args=[bookmark.pk])
    assert messages_of(response) == ["Bookmark updated."]
    bookmark.refresh_from_db()
    assert bookmark.title == "Renamed 改名"
    assert bookmark.description == ""  # cleared, not kept
    assert [tag.name for tag in bookmark.tags.all()] == ["new-tag"]
    assert bookmark.is_private and bookmark.to_read


def test_the_url_cannot_be_changed_by_editing(signed_in, bookmark):
    post_edit(signed_in, bookmark, url="https://elsewhere.example/")
    bookmark.refresh_from_db()
    assert bookmark.url == "https://example.org/essay"


def test_a_bad_tag_on_edit_changes_nothing_and_keeps_the_input(signed_in, bookmark):
    response = post_edit(signed_in, bookmark, title="Changed", tags="fine, a/b")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The tag “a/b” is not allowed." in body
    assert 'value="Changed"' in body and 'value="fine, a/b"' in body
    bookmark.refresh_from_db()
    assert bookmark.title == "An essay"


def test_ticking_a_group_shares_and_unticking_unshares(signed_in, user, bookmark):
    stay, leave, join = (make_group(user, name) for name in ("Stay", "Leave", "Join"))
    share_bookmark(bookmark=bookmark, group=stay)
    share_bookmark(bookmark=bookmark, group=leave)
    response = post_edit(signed_in, bookmark, groups=[stay.pk, join.pk])
    assert response.status_code == 302
    groups = set(GroupShare.objects.filter(bookmark=bookmark).values_list("item__group", flat=True))
    assert groups == {stay.pk, join.pk}
    # The user was its only sharer: the item left the group.
    assert not GroupItem.objects.filter(group=leave).exists()


def test_unsharing_hands_the_item_to_the_next_sharer(signed_in, user, bookmark):
    group = make_group(user, "Both")
    share_bookmark(bookmark=bookmark, group=group)
    other = UserFactory()
    add_member(group=group, user=other)
    theirs, _ = save_bookmark(user=other, url="https://example.org/essay")
    share_bookmark(bookmark=theirs, group=group)
    post_edit(signed_in, bookmark, groups=[])
    item = GroupItem.objects.get(group=group)
    assert item.shared_by == other
    assert list(item.shares.values_list("bookmark", flat=True)) == [theirs.pk]


def test_a_share_in_a_group_one_has_left_is_left_alone(signed_in, user, bookmark):
    owner = UserFactory()
    group = make_group(owner, "Former")
    add_member(group=group, user=user)
    share_bookmark(bookmark=bookmark, group=group)
    remove_member(group=group, user=user)
    body = signed_in.get(edit_url(bookmark)).content.decode()
    assert "Former" not in body
    post_edit(signed_in, bookmark, groups=[])
    assert GroupShare.objects.filter(bookmark=bookmark, item__group=group).exists()


def test_editing_cannot_share_into_a_group_one_is_not_in(signed_in, bookmark):
    group = make_group(UserFactory(), "Closed")
    response = post_edit(signed_in, bookmark, title="Changed", groups=[group.pk])
    assert response.status_code == 200
    assert "You can share only into groups you are a member of." in response.content.decode()
    assert not GroupShare.objects.exists()
    bookmark.refresh_from_db()
    assert bookmark.title == "An essay"


# --- Delete -------------------------------------------------------------------


def test_delete_asks_first(signed_in, user, bookmark):
    group = make_group(user, "Where it is shared")
    share_bookmark(bookmark=bookmark, group=group)
    response = signed_in.get(reverse("bookmarks:delete", args=[bookmark.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Where it is shared" in body
    assert 'method="post"' in body
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()


def test_deleting_takes_highlights_and_notes_and_hands_the_item_on(signed_in, user, bookmark):
    group = make_group(user, "Both")
    share_bookmark(bookmark=bookmark, group=group)
    highlight = add_highlight(bookmark=bookmark, quote="gone too")
    add_note(bookmark=bookmark, highlight=highlight, text="gone as well")
    other = UserFactory()
    add_member(group=group, user=other)
    theirs, _ = save_bookmark(user=other, url="https://example.org/essay")
    share_bookmark(bookmark=theirs, group=group)

    response = signed_in.post(reverse("bookmarks:delete", args=[bookmark.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:library")
    assert messages_of(response) == ["Deleted “An essay”."]
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert not Highlight.objects.exists() and not Note.objects.exists()
    item = GroupItem.objects.get(group=group)
    assert item.shared_by == other


# --- To read ------------------------------------------------------------------


def to_read_url(bookmark) -> str:
    return reverse("bookmarks:to_read", args=[bookmark.pk])


def test_to_read_toggles_without_a_value(signed_in, bookmark):
    signed_in.post(to_read_url(bookmark))
    bookmark.refresh_from_db()
    assert bookmark.to_read
    response = signed_in.post(to_read_url(bookmark))
    bookmark.refresh_from_db()
    assert not bookmark.to_read
    assert messages_of(response)[-1] == "No longer marked to read."


@pytest.mark.parametrize(("value", "expected"), [("1", True), ("0", False), ("true", True)])
def test_to_read_sets_a_posted_value(signed_in, bookmark, value, expected):
    signed_in.post(to_read_url(bookmark), {"to_read": value})
    signed_in.post(to_read_url(bookmark), {"to_read": value})  # setting twice: same
    bookmark.refresh_from_db()
    assert bookmark.to_read is expected


@pytest.mark.parametrize(
    ("next_url", "safe"),
    [
        ("/bookmarks/?to_read=1", True),
        ("https://evil.example/", False),
        ("//evil.example/path", False),
        ("javascript:alert(1)", False),
        ("", False),
    ],
)
def test_to_read_goes_back_only_to_a_safe_next(signed_in, bookmark, next_url, safe):
    response = signed_in.post(to_read_url(bookmark), {"next": next_url})
    assert response.status_code == 302
    expected = next_url if safe else reverse("bookmarks:detail", args=[bookmark.pk])
    assert response["Location"] == expected


def test_to_read_refuses_get(signed_in, bookmark):
    assert signed_in.get(to_read_url(bookmark)).status_code == 405


# --- The bookmark page offers all of it to its owner only -------------------------


def test_the_bookmark_page_offers_the_owner_edit_delete_and_to_read(signed_in, bookmark):
    body = signed_in.get(reverse("bookmarks:detail", args=[bookmark.pk])).content.decode()
    assert f'href="{edit_url(bookmark)}"' in body
    assert f'href="{reverse("bookmarks:delete", args=[bookmark.pk])}"' in body
    assert f'action="{to_read_url(bookmark)}"' in body
    assert "Mark to read" in body


def test_the_bookmark_page_offers_others_no_controls(client, bookmark):
    client.force_login(UserFactory())
    body = client.get(reverse("bookmarks:detail", args=[bookmark.pk])).content.decode()
    assert edit_url(bookmark) not in body
    assert to_read_url(bookmark) not in body
    assert reverse("annotations:highlight_add", args=[bookmark.pk]) not in body
    assert reverse("annotations:note_add", args=[bookmark.pk]) not in body
