"""What a search result shows of a bookmark besides its own columns, kept in
its entry (``SearchEntry.shown``) beside the words built from the same rows.

A page of results then reads its bookmarks and what they show in one query,
instead of one more query per kind of row; and what a result shows is what
its words were found in. It is written with the document, so it is exactly
as fresh as the index: every change that reindexes a bookmark rewrites both.

The shape, JSON-ready::

    {
        "highlights": [[id, quote], ...],         # in page order
        "notes": [[highlight id or null, text], ...],  # oldest first
        "tags": [[key, name], ...],               # by key
        "copy": snapshot id or null,              # the cached copy indexed
    }
"""

from collections.abc import Iterable
from typing import Protocol

from django.db.models import OuterRef, Subquery

from annotations.models import Highlight, Note
from bookmarks.models import BookmarkTag, Page, Tag
from bookmarks.selectors import newest_cached_snapshot_id


class OfPage(Protocol):
    """A bookmark, or a row of one (search.selectors.Hit)."""

    pk: int
    page_id: int


def shown_of(bookmarks: Iterable[OfPage]) -> dict[int, dict]:
    """The ``shown`` of each bookmark, by id, in four queries."""
    bookmarks = list(bookmarks)
    copies = dict(
        Page.objects.filter(pk__in={bookmark.page_id for bookmark in bookmarks}).values_list(
            "pk", newest_cached_snapshot_id("pk")
        )
    )
    shown = {
        bookmark.pk: {
            "highlights": [],
            "notes": [],
            "tags": [],
            "copy": copies.get(bookmark.page_id),
        }
        for bookmark in bookmarks
    }
    ids = list(shown)
    for bookmark_id, pk, quote in (
        Highlight.objects.filter(bookmark_id__in=ids)
        .order_by("bookmark_id", "ordinal", "pk")
        .values_list("bookmark_id", "pk", "quote")
    ):
        shown[bookmark_id]["highlights"].append([pk, quote])
    for bookmark_id, highlight_id, text in (
        Note.objects.filter(bookmark_id__in=ids)
        .order_by("created_at", "pk")
        .values_list("bookmark_id", "highlight_id", "text")
    ):
        shown[bookmark_id]["notes"].append([highlight_id, text])
    # Each link's tag read by its primary key: PostgreSQL would join the
    # links to the tags by hashing the whole tag table.
    tag = Tag.objects.filter(pk=OuterRef("tag_id"))
    for bookmark_id, key, name in BookmarkTag.objects.filter(bookmark_id__in=ids).values_list(
        "bookmark_id", Subquery(tag.values("key")), Subquery(tag.values("name"))
    ):
        shown[bookmark_id]["tags"].append([key, name])
    for parts in shown.values():
        parts["tags"].sort()
    return shown
