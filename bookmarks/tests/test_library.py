"""The signed-in user's own library at /bookmarks/, and bulk actions on it."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark, Tag
from bookmarks.services import save_bookmark
from groups.models import Group, GroupItem, GroupItemTag, GroupShare
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

LIBRARY = "/bookmarks/"
BULK = "/bookmarks/bulk/"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def make(owner, n: int, **fields) -> Bookmark:
    """The owner's n-th bookmark; a larger n is older."""
    bookmark, _ = save_bookmark(
        user=owner,
        url=f"https://example.org/{owner.username}/{n}",
        title=fields.pop("title", f"{owner.username} piece {n}"),
        created_at=timezone.now() - timedelta(minutes=n),
        **fields,
    )
    return bookmark


def make_group(owner, name, *, visibility=Group.Visibility.PUBLIC) -> Group:
    slug = f"g{Group.objects.count() + 1}"
    return create_group(name=name, slug=slug, created_by=owner, visibility=visibility)


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'class="library__title" href="[^"]+">([^<]+)</a>', response.content.decode())


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_urls_have_names():
    assert reverse("bookmarks:library") == LIBRARY
    assert reverse("bookmarks:bulk") == BULK


# --- The list -----------------------------------------------------------------


def test_the_library_lists_all_ones_own_bookmarks_newest_first(signed_in, user, other_user):
    make(user, 2, title="Older public")
    make(user, 1, title="Newer private", is_private=True)
    make(other_user, 0, title="Someone else's")
    response = signed_in.get(LIBRARY)
    assert titles(response) == ["Newer private", "Older public"]
    body = response.content.decode()
    assert "Private" in body
    for bookmark in Bookmark.objects.filter(user=user):
        assert f'<input type="checkbox" name="ids" value="{bookmark.pk}"' in body
        assert f'<label for="select-{bookmark.pk}"' in body


def test_an_empty_library_says_so(signed_in):
    body = signed_in.get(LIBRARY).content.decode()
    assert "You have not saved any bookmarks yet." in body


def test_the_library_is_only_for_signed_in_people(client, db):
    response = client.get(LIBRARY)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_tag_filter_matches_any_casing(signed_in, user):
    make(user, 1, title="Tagged", tag_names=["Kubernetes"])
    make(user, 2, title="Untagged")
    assert titles(signed_in.get(LIBRARY, {"tag": "KUBERNETES"})) == ["Tagged"]
    assert titles(signed_in.get(LIBRARY, {"tag": "ｋｕｂｅｒｎｅｔｅｓ"})) == ["Tagged"]


@pytest.mark.parametrize("name", ["no-such-tag", "a/b", "..", "\x00", "x" * 300])
def test_an_unknown_tag_is_an_empty_list_with_a_message(signed_in, user, name):
    make(user, 1)
    response = signed_in.get(LIBRARY, {"tag": name})
    assert titles(response) == []
    assert "You have no tag" in response.content.decode()


def test_the_to_read_filter(signed_in, user):
    make(user, 1, title="Later", to_read=True)
    make(user, 2, title="Done")
    assert titles(signed_in.get(LIBRARY, {"to_read": "1"})) == ["Later"]
    assert titles(signed_in.get(LIBRARY, {"to_read": "yes-please"})) == ["Later", "Done"]


def test_pages_and_sizes_keep_the_filters(signed_in, user):
    for n in range(12):
        make(user, n, tag_names=["bulk"], to_read=True)
    make(user, 99, title="Not to read", tag_names=["bulk"])
    first = signed_in.get(LIBRARY, {"tag": "bulk", "to_read": "1", "per_page": "10"})
    assert len(titles(first)) == 10
    body = first.content.decode()
    assert 'href="/bookmarks/?page=2&amp;per_page=10&amp;tag=bulk&amp;to_read=1"' in body
    second = signed_in.get(LIBRARY, {"tag": "bulk", "to_read": "1", "per_page": "10", "page": "2"})
    assert len(titles(second)) == 2


@pytest.mark.parametrize("page", ["0", "x", "-1", "3", "１"])
def test_a_bad_page_is_404(signed_in, user, page):
    make(user, 1)
    assert signed_in.get(LIBRARY, {"page": page}).status_code == 404


@pytest.mark.parametrize("per_page", ["7", "x", "1000"])
def test_a_bad_page_size_falls_back_to_twenty(signed_in, user, per_page):
    for n in range(21):
        make(user, n)
    assert len(titles(signed_in.get(LIBRARY, {"per_page": per_page}))) == 20


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_library_runs_the_same_queries_for_one_bookmark_or_twenty(client):
    group_owner = UserFactory()
    group = make_group(group_owner, "Busy")
    small, big = UserFactory(), UserFactory()
    for person in (small, big):
        add_member(group=group, user=person)
    share_bookmark(bookmark=make(small, 0, tag_names=["a", "b"]), group=group)
    for n in range(20):
        share_bookmark(bookmark=make(big, n, tag_names=["a", "b", f"t{n}"]), group=group)
    counts = []
    for person in (small, big):
        client.force_login(person)
        counts.append(count_queries(client, LIBRARY))
        counts.append(count_queries(client, f"{LIBRARY}?tag=a&to_read="))
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_the_library_shows_tags_and_groups(signed_in, user):
    group = make_group(user, "Reading room")
    secret = make_group(
        UserFactory(), "A private group I left", visibility=Group.Visibility.PRIVATE
    )
    add_member(group=secret, user=user)
    bookmark = make(user, 1, tag_names=["設計"])
    share_bookmark(bookmark=bookmark, group=group)
    share_bookmark(bookmark=bookmark, group=secret)
    secret.memberships.filter(user=user).delete()
    body = signed_in.get(LIBRARY).content.decode()
    assert 'href="/bookmarks/?tag=%E8%A8%AD%E8%A8%88"' in body
    assert "Reading room" in body
    assert "A private group I left" not in body


# --- Bulk actions -------------------------------------------------------------


@pytest.fixture
def mine(user):
    return [make(user, n, tag_names=["keep"]) for n in range(3)]


@pytest.fixture
def foreign(other_user):
    return make(other_user, 0, tag_names=["keep"])


def bulk(client, bookmarks, action, **fields):
    data = {"ids": [b.pk for b in bookmarks], "action": action, "next": "/bookmarks/?page=1"}
    data.update(fields)
    return client.post(BULK, data)


def tag_names(bookmark) -> set[str]:
    return set(bookmark.tags.values_list("name", flat=True))


def test_add_tags(signed_in, mine):
    existing = Tag.objects.get(name="keep")
    response = bulk(signed_in, mine[:2], "add_tags", tags="KEEP, 新しい, extra")
    assert response.status_code == 302
    assert response["Location"] == "/bookmarks/?page=1"
    assert messages_of(response) == ["Added tags to 2 bookmarks."]
    for bookmark in mine[:2]:
        assert tag_names(bookmark) == {"keep", "新しい", "extra"}
    assert tag_names(mine[2]) == {"keep"}
    assert Tag.objects.get(key="keep") == existing


def test_remove_tags(signed_in, mine):
    bulk(signed_in, mine, "add_tags", tags="one, two")
    bulk(signed_in, mine[:2], "remove_tags", tags="ONE, keep, never-existed")
    assert tag_names(mine[0]) == tag_names(mine[1]) == {"two"}
    assert tag_names(mine[2]) == {"keep", "one", "two"}
    assert not Tag.objects.filter(name="never-existed").exists()


def test_make_private_and_public(signed_in, mine):
    bulk(signed_in, mine[:2], "make_private")
    private = set(Bookmark.objects.filter(is_private=True).values_list("pk", flat=True))
    assert private == {mine[0].pk, mine[1].pk}
    response = bulk(signed_in, mine, "make_public")
    assert messages_of(response)[-1] == "Made 3 bookmarks public."
    assert not Bookmark.objects.filter(is_private=True).exists()


def test_share_into_a_member_group(signed_in, user, mine):
    group = make_group(user, "Readers")
    response = bulk(signed_in, mine[:2], "share", group=group.pk)
    assert messages_of(response) == ["Shared 2 bookmarks into Readers."]
    assert set(GroupShare.objects.values_list("bookmark", flat=True)) == {mine[0].pk, mine[1].pk}
    assert GroupItemTag.objects.filter(tag__name="keep", group=group).count() == 2
    bulk(signed_in, mine, "share", group=group.pk)  # again: no duplicates
    assert GroupShare.objects.count() == 3


def test_share_into_a_group_one_is_not_in_is_refused(signed_in, mine):
    group = make_group(UserFactory(), "Closed", visibility=Group.Visibility.PRIVATE)
    response = bulk(signed_in, mine, "share", group=group.pk)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You can share only into groups you are a member of." in body
    assert "Closed" not in body
    assert not GroupItem.objects.exists()


def test_share_needs_a_group(signed_in, mine):
    response = bulk(signed_in, mine, "share")
    assert "Choose the group to share into." in response.content.decode()


def test_delete_asks_first_then_hands_items_on(signed_in, user, other_user, mine):
    group = make_group(user, "Both")
    add_member(group=group, user=other_user)
    share_bookmark(bookmark=mine[0], group=group)
    theirs, _ = save_bookmark(user=other_user, url=mine[0].url)
    share_bookmark(bookmark=theirs, group=group)

    response = bulk(signed_in, mine[:2], "delete")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Delete 2 bookmarks?" in body
    assert '<input type="hidden" name="confirm" value="1">' in body
    assert Bookmark.objects.filter(user=user).count() == 3

    response = bulk(signed_in, mine[:2], "delete", confirm="1")
    assert response.status_code == 302
    assert response["Location"] == "/bookmarks/"  # back to the first page of the list
    assert messages_of(response) == ["Deleted 2 bookmarks."]
    assert list(Bookmark.objects.filter(user=user)) == [mine[2]]
    assert GroupItem.objects.get(group=group).shared_by == other_user


def test_bad_tags_show_the_form_again_with_the_selection(signed_in, mine):
    response = bulk(signed_in, mine[:2], "add_tags", tags="ok, a/b")
    assert response.status_code == 200
    body = response.content.decode()
    assert "The tag “a/b” is not allowed." in body
    assert 'value="ok, a/b"' in body
    for bookmark in mine[:2]:
        assert f'<input type="hidden" name="ids" value="{bookmark.pk}">' in body
    assert f'value="{mine[2].pk}"' not in body
    assert tag_names(mine[0]) == {"keep"}


def test_adding_tags_needs_tags(signed_in, mine):
    response = bulk(signed_in, mine, "add_tags", tags=" , ")
    assert "Write the tags to add or remove." in response.content.decode()


def test_an_unknown_action_is_a_form_error(signed_in, mine):
    response = bulk(signed_in, mine, "explode")
    assert response.status_code == 200
    assert Bookmark.objects.count() == 3


def test_nothing_selected_is_a_form_error(signed_in, mine):
    response = bulk(signed_in, [], "make_private")
    assert "Select at least one of your bookmarks." in response.content.decode()


def test_an_unsafe_next_goes_back_to_the_library(signed_in, mine):
    response = bulk(signed_in, mine, "make_private", next="https://evil.example/")
    assert response["Location"] == LIBRARY


# --- Someone else's bookmarks are never touched -------------------------------------


def foreign_state(bookmark) -> tuple:
    bookmark = Bookmark.objects.filter(pk=bookmark.pk).first()
    if bookmark is None:
        return ()
    return (
        bookmark.is_private,
        bookmark.updated_at,
        sorted(tag_names(bookmark)),
        list(GroupShare.objects.filter(bookmark=bookmark).values_list("item", flat=True)),
    )


ACTIONS = [
    ("add_tags", {"tags": "intruder"}),
    ("remove_tags", {"tags": "keep"}),
    ("make_private", {}),
    ("make_public", {}),
    ("share", {}),
    ("delete", {"confirm": "1"}),
]


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_foreign_ids_among_ones_own_are_ignored(
    signed_in, user, other_user, mine, foreign, action, fields
):
    group = make_group(user, "Mine")
    add_member(group=group, user=other_user)  # so sharing *could* take theirs
    if action == "make_public":
        Bookmark.objects.filter(pk=foreign.pk).update(is_private=True)
    if action == "share":
        fields = {"group": group.pk}
    before = foreign_state(foreign)
    response = bulk(signed_in, [mine[0], foreign], action, **fields)
    assert response.status_code == 302
    assert foreign_state(foreign) == before
    assert "1 bookmark" in messages_of(response)[-1]


@pytest.mark.parametrize(("action", "fields"), ACTIONS, ids=[a for a, _ in ACTIONS])
def test_only_foreign_ids_is_refused(signed_in, user, foreign, action, fields):
    if action == "share":
        fields = {"group": make_group(user, "Mine").pk}
    before = foreign_state(foreign)
    response = bulk(signed_in, [foreign], action, **fields)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select at least one of your bookmarks." in body
    assert foreign.title not in body
    assert foreign_state(foreign) == before


def test_junk_ids_are_ignored(signed_in, mine):
    response = signed_in.post(
        BULK, {"ids": ["x", "-1", "１", str(mine[0].pk)], "action": "make_private"}
    )
    assert response.status_code == 302
    assert list(Bookmark.objects.filter(is_private=True)) == [mine[0]]


def test_too_many_ids_are_refused(signed_in, mine):
    response = signed_in.post(
        BULK, {"ids": [str(n) for n in range(1, 502)], "action": "make_private"}
    )
    assert response.status_code == 200
    assert "Select at most 500 bookmarks at a time." in response.content.decode()
    assert not Bookmark.objects.filter(is_private=True).exists()


# --- Bulk actions run a bounded number of queries ---------------------------------


@pytest.mark.parametrize(
    ("action", "fields"),
    [
        ("add_tags", {"tags": "new, keep"}),
        ("remove_tags", {"tags": "keep"}),
        ("make_private", {}),
        ("share", {}),
        ("delete", {"confirm": "1"}),
    ],
)
def test_bulk_actions_run_the_same_queries_for_two_bookmarks_or_twenty(client, action, fields):
    counts = []
    for size in (2, 20):
        owner = UserFactory()
        group = make_group(owner, f"Group of {size}")
        # Half of them already in the group: a share of those adds nothing.
        bookmarks = [make(owner, n, tag_names=["keep", f"t{n}"]) for n in range(size)]
        for bookmark in bookmarks[::2]:
            share_bookmark(bookmark=bookmark, group=group)
        client.force_login(owner)
        data = {"group": group.pk, **fields} if action == "share" else dict(fields)
        if action == "add_tags":  # a tag new to the site each time: created both times
            data["tags"] += f", new-for-{size}"
        with CaptureQueriesContext(connection) as queries:
            response = bulk(client, bookmarks, action, **data)
        assert response.status_code == 302, response.content.decode()[-3000:]
        counts.append(len(queries))
    assert counts[0] == counts[1]
