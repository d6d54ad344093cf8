"""Every change a group's pages and feeds show reaches anonymous readers at
once, whatever made it: a service, Django admin, the snapshot worker.

Nothing ever deletes a cached entry: a change replaces the group's version
in the database, and the next request, in any process, asks the cache for a
key nobody has filled yet."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note, delete_highlight, update_note
from bookmarks.models import Snapshot, Tag
from bookmarks.services import save_bookmark, update_bookmark
from bookmarks.snapshotting import record_failure, request_snapshots, take_snapshot
from bookmarks.tests.pageserver import PageServer
from groups.departures import unshare_bookmark
from groups.models import Group, GroupNote
from groups.services import (
    add_group_note,
    delete_group_note,
    edit_group_note,
    remove_items,
    set_item_tags,
    share_bookmark,
    update_group,
)

from .cached_pages import (
    PAGES,
    SURFACES,
    assert_cached,
    body,
    cached_cost,
    get,
    group_page,
    item_page,
    make_shelf,
    tag_page,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_cache", "each_anonymous_cache_check"),
]


@pytest.fixture
def shelf(build):
    return make_shelf(build)


# --- Each kind of change shows at once ----------------------------------------
# A change returns the text that must now appear (or, with "-", vanish).


def new_share(b):
    bookmark, _ = save_bookmark(
        user=b.member,
        url="https://example.org/fresh",
        title="A fresh share",
        tag_names=["architecture", "設計"],
        snapshot=False,
    )
    share_bookmark(bookmark=bookmark, group=b.group)
    return "A fresh share"


def unshared(b):
    b.item(tags=["architecture", "設計"], title="Stays")  # the page keeps an item
    unshare_bookmark(bookmark=b.bookmark, group=b.group)
    return "-The item"


def removed_by_a_moderator(b):
    b.item(tags=["architecture", "設計"], title="Stays")
    remove_items(items=[b.featured])
    return "-The item"


def retagged(b):
    from bookmarks.services import get_or_create_tags

    set_item_tags(item=b.featured, tags=get_or_create_tags(["architecture", "設計", "分散式系統"]))
    return "分散式系統"


def new_highlight(b):
    add_highlight(bookmark=b.bookmark, quote="A passage added later")
    return "A passage added later"


def deleted_highlight(b):
    delete_highlight(highlight=Highlight.objects.get(bookmark=b.bookmark))
    return "-passage 1.1"


def new_sticky_note(b):
    add_note(bookmark=b.bookmark, text="A sticky note added later")
    return "A sticky note added later"


def edited_sticky_note(b):
    update_note(note=Note.objects.get(bookmark=b.bookmark), text="A note said otherwise")
    return "A note said otherwise"


def new_reply(b):
    add_group_note(item=b.featured, author=b.member, text="A reply added later")
    return "A reply added later"


def edited_reply(b):
    edit_group_note(note=GroupNote.objects.get(item=b.featured), text="A reply said otherwise")
    return "A reply said otherwise"


def deleted_reply(b):
    delete_group_note(note=GroupNote.objects.get(item=b.featured))
    return "-reply 1.1"


def edited_title(b):
    update_bookmark(
        bookmark=b.bookmark,
        title="A title given later",
        description="And a description",
        tag_names=["architecture"],
        is_private=False,
        to_read=False,
    )
    return "A title given later"


def renamed_person(b):
    b.owner.display_name = "張 旭 (renamed)"
    b.owner.save()  # as the settings form saves it
    return "張 旭 (renamed)"


def renamed_replier(b):
    b.member.display_name = "Mei Chen (renamed)"
    b.member.save()
    return "Mei Chen (renamed)"


def edited_group(b):
    group = Group.objects.get(pk=b.group.pk)
    update_group(group=group, name="Reading, renamed", slug=group.slug, visibility="public")
    return "Reading, renamed"


def cached_copy_added_in_admin(b):
    Snapshot.objects.create(page=b.featured.page, status=Snapshot.Status.OK, html="x.html")
    return ">Cached</a>"


def snapshot_requested(b):
    request_snapshots(page_ids=[b.featured.page_id])
    return "Caching…"


def snapshot_failed(b):
    (snapshot_id,) = request_snapshots(page_ids=[b.featured.page_id])
    record_failure(Snapshot.objects.get(pk=snapshot_id), "the server said no")
    return "Cache failed (the server said no)"


#: (change, whether feeds show it, whether it needs the bulk hooks): feeds
#: show neither cached copies nor the group's page header.
CHANGES = [
    (new_share, True, False),
    (unshared, True, False),
    (removed_by_a_moderator, True, False),
    (retagged, True, False),
    (new_highlight, True, False),
    (deleted_highlight, True, False),
    (new_sticky_note, True, False),
    (edited_sticky_note, True, False),
    (new_reply, True, False),
    (edited_reply, True, False),
    (deleted_reply, True, False),
    (edited_title, True, False),
    (renamed_person, True, False),
    (renamed_replier, True, False),
    (edited_group, True, False),
    (cached_copy_added_in_admin, False, False),
    (snapshot_requested, False, True),
    (snapshot_failed, False, True),
]
CASES = [
    pytest.param(
        surface,
        change,
        id=f"{change.__name__}-{surface.__name__}",
    )
    for change, feeds_show_it, _hook in CHANGES
    for surface in SURFACES
    if feeds_show_it or surface in PAGES
] + [
    # The item page shows one item: changes to the list are not on it.
    pytest.param(item_page, change, id=f"{change.__name__}-item_page")
    for change, _feeds_show_it, _hook in CHANGES
    if change not in (new_share, unshared, removed_by_a_moderator)
]


@pytest.mark.parametrize(("surface", "change"), CASES)
def test_a_change_shows_at_once(client, shelf, surface, change):
    url = surface(shelf)
    before = assert_cached(client, url)
    version = Group.objects.values_list("version", flat=True).get(pk=shelf.group.pk)
    expected = change(shelf)
    # The version lives in the database: a process that read nothing but
    # the database (and a cache this one filled) sees the change.
    assert Group.objects.values_list("version", flat=True).get(pk=shelf.group.pk) != version
    after = body(client.get(url))
    if expected.startswith("-"):
        assert expected[1:] in before and expected[1:] not in after
    else:
        assert expected not in before and expected in after
    # And the new version is cached in its turn.
    assert get(client, url)[1] == cached_cost()


@pytest.mark.parametrize("surface", PAGES)
def test_a_snapshot_the_worker_finishes_shows_at_once(client, build, surface):
    html = b"<html><head><title>Fetched title</title></head><body><p>passage 1.1</p></body></html>"
    with PageServer({"/read": (200, {"Content-Type": "text/html"}, html)}) as server:
        b = build()
        bookmark, _ = save_bookmark(  # asks for a snapshot: pending until the worker runs
            user=b.owner, url=server.url("/read"), title="", tag_names=["architecture", "設計"]
        )
        share_bookmark(bookmark=bookmark, group=b.group)
        url = surface(b)
        # Pending: asked for in bulk, so seen here only once the page is rendered anew.
        assert "Caching…" in body(client.get(url))
        assert_cached(client, url)
        take_snapshot(snapshot_id=Snapshot.objects.get(page=bookmark.page).pk)
    after = body(client.get(url))
    assert "Caching…" not in after
    assert ">Cached</a>" in after
    assert "Fetched title" in after  # the title the worker filled in


def test_a_tag_renamed_in_admin_shows_at_once(client, shelf):
    url = group_page(shelf)
    assert "Architecture Notes" not in assert_cached(client, url)
    tag = Tag.objects.get(name="architecture")
    tag.name = "Architecture Notes"
    tag.save()
    assert "Architecture Notes" in body(client.get(url))


def test_a_queryset_deleted_at_once_bumps_once(client, shelf):
    """Django admin's bulk delete: one UPDATE for all the rows, not one each."""
    for n in range(5):
        add_note(bookmark=shelf.bookmark, text=f"Bulk note {n}")
    url = tag_page(shelf)
    assert "Bulk note 4" in assert_cached(client, url)
    with CaptureQueriesContext(connection) as queries:
        Note.objects.filter(bookmark=shelf.bookmark).delete()
    bumps = [q for q in queries if q["sql"].startswith('UPDATE "groups_group"')]
    assert len(bumps) == 1
    assert "Bulk note" not in body(client.get(url))


def test_other_groups_keep_their_cache(client, shelf, build):
    other = build(slug="other", name="Other")
    other.item(tags=["architecture"], title="Elsewhere")
    assert_cached(client, tag_page(other))
    add_note(bookmark=shelf.bookmark, text="Only in the first group")
    assert get(client, tag_page(other))[1] == cached_cost()


SIGNED_IN_CASES = [
    pytest.param(surface, change, id=f"{change.__name__}-{surface.__name__}")
    for change, _feeds_show_it, _hook in CHANGES
    for surface in PAGES
]


@pytest.mark.parametrize(("surface", "change"), SIGNED_IN_CASES)
def test_a_change_shows_at_once_to_a_signed_in_reader(client, shelf, surface, change):
    """Signed-in pages are built from cards kept per version: a change
    retires them as it retires the anonymous pages."""
    client.force_login(shelf.member)
    url = surface(shelf)
    body(client.get(url))
    before = body(client.get(url))  # from the stored cards
    expected = change(shelf)
    after = body(client.get(url))
    if expected.startswith("-"):
        assert expected[1:] in before and expected[1:] not in after
    else:
        assert expected not in before and expected in after


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed in"])
def test_a_tag_renamed_away_leaves_its_old_page_at_once(client, shelf, signed_in):
    """A tag page's tags and count are kept per version: renaming a tag the
    group shows retires them."""
    if signed_in:
        client.force_login(shelf.member)
    url = tag_page(shelf)
    body(client.get(url))
    assert "The item" in body(client.get(url))
    tag = Tag.objects.get(name="architecture")
    tag.name = "structure"
    tag.save()
    assert client.get(url).status_code == 404
    renamed = client.get(url.replace("architecture", "structure"))
    assert "The item" in body(renamed)


def test_an_empty_tag_page_is_read_anew(client, shelf):
    """A tag the group does not show can change without a new version of the
    group, so its empty page is never kept."""
    Tag.objects.create(name="elsewhere only", key="elsewhere only")
    client.force_login(shelf.member)
    url = reverse("groups:tag", args=[shelf.group.slug, "elsewhere only"])
    assert "No items in this group are tagged" in body(client.get(url))
    Tag.objects.filter(name="elsewhere only").delete()
    assert client.get(url).status_code == 404
