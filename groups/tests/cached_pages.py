"""Pages and feeds as an anonymous reader gets them, for the caching tests.

A cached response is recognised by its cost: one query, for the group's
version, or none with a shared cache, where the group's generation is read
from the cache (groups.caching)."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse


def group_page(b):
    return reverse("groups:detail", args=[b.group.slug])


def tag_page(b):
    return reverse("groups:tag", args=[b.group.slug, "architecture"])


def intersection_page(b):
    return reverse("groups:tag", args=[b.group.slug, "architecture,設計"])


def tag_feed(b):
    return reverse("feeds:group_tag_rss", args=[b.group.slug, "architecture"])


def group_feed(b):
    return reverse("feeds:group_atom", args=[b.group.slug])


def item_page(b):
    return reverse("groups:item", args=[b.group.slug, b.featured.pk])


PAGES = [group_page, tag_page, intersection_page]
SURFACES = [*PAGES, tag_feed, group_feed]


def get(client, url, **headers):
    """The response and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def cached_cost() -> int:
    """The queries of a response served from the cache."""
    return 0 if settings.CACHE_SHARED else 1


def assert_cached(client, url) -> str:
    """Fill the cache, then see the next request served from it."""
    first, _ = get(client, url)
    again, queries = get(client, url)
    assert queries == cached_cost(), "served from the cache"
    assert again.content == first.content
    return body(again)


def make_shelf(build):
    """A public group whose item is tagged architecture and 設計, with a
    highlight, a sticky note and a reply."""
    b = build()
    b.featured = b.item(
        tags=["architecture", "設計"], highlights=1, notes=1, discussion=1, title="The item"
    )
    b.bookmark = b.featured.shares.get().bookmark
    return b
