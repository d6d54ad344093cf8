"""Reads for highlights and sticky notes: bookmarks loaded with everything
their readers see of them.

Callers decide which bookmarks the reader may see (``groups.visibility``);
highlights and notes travel with their bookmark, so nothing here filters.
"""

from django.db.models import Prefetch, QuerySet

from bookmarks.models import Bookmark, Tag
from bookmarks.selectors import newest_cached_snapshot_id

from .models import Highlight, Note


def bookmarks_with_annotations(bookmarks: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    """The bookmarks with their owner and page joined, ``cached_snapshot_id``,
    and, once evaluated:

    - ``highlight_list``: highlights in page order, each with ``note_list``,
      its sticky notes oldest first;
    - ``bookmark_notes``: the sticky notes on the bookmark as a whole;
    - ``tag_list``: tags by name.

    Five queries whatever the number of bookmarks, highlights and notes (four
    when none of the bookmarks has a highlight)."""
    notes = Note.objects.order_by("created_at", "id")
    highlights = Highlight.objects.order_by("ordinal", "id").prefetch_related(
        Prefetch("notes", queryset=notes, to_attr="note_list")
    )
    return (
        bookmarks.select_related("user", "page")
        .annotate(cached_snapshot_id=newest_cached_snapshot_id())
        .prefetch_related(
            Prefetch("highlights", queryset=highlights, to_attr="highlight_list"),
            Prefetch(
                "notes", queryset=notes.filter(highlight__isnull=True), to_attr="bookmark_notes"
            ),
            Prefetch("tags", queryset=Tag.objects.order_by("key"), to_attr="tag_list"),
        )
    )
