"""Every feed runs the same queries for one item with one highlight and one
note as for twenty items with thirty highlights and three notes each."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Highlight, Note
from groups.models import GroupNote

from .reading import ALL_NAMES, GROUP_NAMES, GROUP_TAG_NAMES, feed_url

pytestmark = pytest.mark.django_db

#: Queries per feed, read anonymously. A group feed: the group, its items,
#: then item_cards' five (shares, highlights, notes, discussion, tags); a tag
#: feed adds the tag and the tag index's item ids. A user feed: the owner,
#: the bookmarks, then highlights, their notes, bookmark notes and tags.
EXPECTED = {
    "feeds:group_rss": 7,
    "feeds:group_atom": 7,
    "feeds:group_tag_rss": 9,
    "feeds:group_tag_atom": 9,
    "feeds:user_rss": 6,
    "feeds:user_atom": 6,
    "feeds:user_tag_rss": 7,
    "feeds:user_tag_atom": 7,
}


def fill(world, *, items: int, highlights: int, notes: int, slug: str = "reading"):
    """Items shared by the owner and again by the member; each of the owner's
    highlights with ``notes`` sticky notes and as many replies."""
    w = world(slug=slug)
    for _ in range(items):
        item = w.item(tags=("architecture", "設計"), description="Why it matters.")
        w.item(user=w.member, url=item.page.url, tags=("architecture",))
        bookmark = item.shares.get(bookmark__user=w.owner).bookmark
        made = Highlight.objects.bulk_create(
            Highlight(bookmark=bookmark, quote=f"passage {w.count - 1}.{h}", ordinal=h)
            for h in range(1, highlights + 1)
        )
        Note.objects.bulk_create(
            [Note(bookmark=bookmark, text="On the whole page")]
            + [
                Note(bookmark=bookmark, highlight=h, text="sticky")
                for h in made
                for _ in range(notes)
            ]
        )
        GroupNote.objects.bulk_create(
            [GroupNote(item=item, author=w.member, text="On the whole item")]
            + [
                GroupNote(item=item, author=w.member, highlight=h, text="reply")
                for h in made
                for _ in range(notes)
            ]
        )
    return w


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("name", ALL_NAMES)
def test_queries_do_not_grow_with_items_highlights_or_notes(client, world, name):
    small, _ = count_queries(client, feed_url(name, fill(world, items=1, highlights=1, notes=1)))
    big_world = fill(world, items=20, highlights=30, notes=3, slug="big")
    big, body = count_queries(client, feed_url(name, big_world))
    assert small == big == EXPECTED[name]
    # Nothing is folded away in a feed: the thirtieth highlight of every item is there.
    for i in (1, 39):
        assert f"passage {i}.30" in body
    assert body.count("<item>") + body.count("<entry>") == 20


@pytest.mark.parametrize("name", GROUP_NAMES + GROUP_TAG_NAMES)
def test_a_token_costs_one_query(client, world, name):
    w = fill(world, items=2, highlights=2, notes=1)
    queries, _ = count_queries(client, feed_url(name, w, token=w.member.feed_token))
    assert queries == EXPECTED[name] + 1
