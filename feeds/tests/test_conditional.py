"""Conditional GET: a feed reader that already has the current feed gets a
304, and any change the feed shows (even a deleted note, even a tag) gives
both a new ETag and a later Last-Modified."""

import pytest
from django.utils.http import parse_http_date

from annotations.models import Highlight, Note
from annotations.services import add_note
from bookmarks.services import get_or_create_tags, set_bookmark_tags
from groups.models import GroupNote
from groups.services import add_group_note, set_item_tags

from .reading import ALL_NAMES, GROUP_NAMES, GROUP_TAG_NAMES, feed_url

pytestmark = pytest.mark.django_db


def _bookmark(item):
    return item.shares.get().bookmark


def new_sticky_note(world, item):
    bookmark = _bookmark(item)
    add_note(bookmark=bookmark, highlight=bookmark.highlights.first(), text="A late thought")


def deleted_sticky_note(world, item):
    Note.objects.filter(bookmark=_bookmark(item)).first().delete()


def changed_tag(world, item):
    (tag,) = get_or_create_tags(["later"])
    bookmark = _bookmark(item)
    set_bookmark_tags(bookmark=bookmark, tags=[*bookmark.tags.all(), tag])
    set_item_tags(item=item, tags=[*item.tags.all(), tag])


def edited_highlight(world, item):
    # Through the model, as Django admin edits it: the group's cached feeds
    # are retired by the save's signal (a bare queryset update sends none).
    highlight = Highlight.objects.filter(bookmark=_bookmark(item)).first()
    highlight.quote = "Quoted otherwise"
    highlight.save()


def new_reply(world, item):
    add_group_note(item=item, author=world.member, text="Agreed")


def deleted_reply(world, item):
    GroupNote.objects.filter(item=item).first().delete()


CHANGES = [new_sticky_note, deleted_sticky_note, changed_tag, edited_highlight]
GROUP_CHANGES = [new_reply, deleted_reply]
CASES = [(name, change) for name in ALL_NAMES for change in CHANGES] + [
    (name, change) for name in GROUP_NAMES + GROUP_TAG_NAMES for change in GROUP_CHANGES
]


def status(client, url, **headers) -> int:
    return client.get(url, headers=headers).status_code


@pytest.fixture
def two_items(world):
    """An old item with annotations, and a newer one whose timestamps are later."""
    w = world()
    old = w.item(highlights=2, notes=2, discussion=2)
    w.item(highlights=1, notes=1)
    return w, old


@pytest.mark.parametrize("name", ALL_NAMES)
def test_an_unchanged_feed_answers_304(client, two_items, name):
    w, _ = two_items
    url = feed_url(name, w)
    first = client.get(url)
    assert first["ETag"].startswith('"') and first["Last-Modified"].endswith("GMT")
    again = client.get(url)
    assert (again["ETag"], again["Last-Modified"]) == (first["ETag"], first["Last-Modified"])
    assert status(client, url, if_none_match=first["ETag"]) == 304
    assert status(client, url, if_modified_since=first["Last-Modified"]) == 304
    not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert not_modified.content == b""
    assert not_modified["ETag"] == first["ETag"]
    assert not_modified["Last-Modified"] == first["Last-Modified"]


@pytest.mark.parametrize(
    ("name", "change"), CASES, ids=lambda case: getattr(case, "__name__", case)
)
def test_any_change_gives_a_new_etag_and_a_later_last_modified(client, two_items, name, change):
    w, old = two_items
    url = feed_url(name, w)
    before = client.get(url)
    change(w, old)
    after = client.get(url)
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert parse_http_date(after["Last-Modified"]) > parse_http_date(before["Last-Modified"])
    assert status(client, url, if_none_match=before["ETag"]) == 200
    assert status(client, url, if_modified_since=before["Last-Modified"]) == 200
    assert status(client, url, if_none_match=after["ETag"]) == 304
    assert status(client, url, if_modified_since=after["Last-Modified"]) == 304


@pytest.mark.parametrize("name", ALL_NAMES)
def test_a_feed_answers_get_and_head_only(client, two_items, name):
    w, _ = two_items
    url = feed_url(name, w)
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405
