"""Writing search entries: the document of a bookmark, and finding stale ones.

``reindex_bookmarks`` builds any number of documents in a fixed number of
queries per batch and upserts them, so a signal after one edit, a snapshot
of a page many people saved and the ``reindex_search`` command all take the
same path. Building reads the rows as they are now: running it again, or for
a bookmark that did not change, is harmless.
"""

import logging
from collections.abc import Iterable, Iterator
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Substr
from django.utils import timezone

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, Snapshot

from . import text
from .models import SearchEntry
from .shown import shown_of

logger = logging.getLogger(__name__)

#: How much of a cached copy's text is indexed, in characters: an article's
#: worth. Every bookmark of a page carries it, so it is bounded; PostgreSQL
#: also stops counting word positions at 16,383.
CACHED_TEXT_LIMIT = 20_000
BATCH_SIZE = 500


def copy_texts(snapshot_ids: Iterable[int]) -> dict[int, str]:
    """The start of these cached copies' texts (as indexed), by snapshot id."""
    rows = (
        Snapshot.objects.filter(pk__in=list(snapshot_ids), status=Snapshot.Status.OK)
        .annotate(head=Substr("text", 1, CACHED_TEXT_LIMIT))
        .values_list("pk", "head")
    )
    return dict(rows)


def build_entries(bookmark_ids: Iterable[int], *, indexed_at) -> list[SearchEntry]:
    """Unsaved entries for the bookmarks that exist. Six queries."""
    ids = list(bookmark_ids)
    bookmarks = list(
        Bookmark.objects.filter(pk__in=ids)
        .select_related("page")
        .only(
            "title",
            "description",
            "created_at",
            "page__title",
            "page__description",
            "page__url",
        )
    )
    shown = shown_of(bookmarks)
    texts = copy_texts(parts["copy"] for parts in shown.values() if parts["copy"] is not None)
    entries = []
    for bookmark in bookmarks:
        page = bookmark.page
        parts = [bookmark.title, bookmark.description]
        parts += [value for value in (page.title, page.description) if value not in parts]
        parts.append(_host(page.url))
        of_bookmark = shown[bookmark.pk]
        parts += [name for _, name in of_bookmark["tags"]]
        parts += [quote for _, quote in of_bookmark["highlights"]]
        parts += [note for _, note in of_bookmark["notes"]]
        parts.append(texts.get(of_bookmark["copy"], ""))
        entries.append(
            SearchEntry(
                bookmark_id=bookmark.pk,
                document=text.document([part for part in parts if part]),
                shown=of_bookmark,
                created_at=bookmark.created_at,
                indexed_at=indexed_at,
            )
        )
    return entries


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def reindex_bookmarks(bookmark_ids: Iterable[int]) -> int:
    """Bring these bookmarks' entries up to date. Returns how many were written."""
    ids = sorted(set(bookmark_ids))
    written = 0
    for start in range(0, len(ids), BATCH_SIZE):
        written += _reindex_batch(ids[start : start + BATCH_SIZE])
    return written


def _reindex_batch(ids: list[int], *, attempt: int = 1) -> int:
    try:
        with transaction.atomic():
            # Two rebuilds of one bookmark at once (two quick edits) take
            # turns: the second reads once the first has written, so an older
            # read never lands last and brings back a deleted note. Locked in
            # id order, so rebuilds never wait on each other in a circle.
            list(
                Bookmark.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk")
            )
            # Taken before reading, so an edit committed while we read looks
            # newer than the entry to the staleness check.
            entries = build_entries(ids, indexed_at=timezone.now())
            SearchEntry.objects.bulk_create(
                entries,
                update_conflicts=True,
                unique_fields=["bookmark"],
                update_fields=["document", "shown", "indexed_at", "created_at"],
            )
    except IntegrityError:
        # A bookmark was deleted between reading and writing: read again.
        if attempt > 1:
            raise
        logger.info("Search entries of %d bookmarks: one vanished meanwhile, again", len(ids))
        return _reindex_batch(ids, attempt=attempt + 1)
    return len(entries)


def reindex_pages(page_ids: Iterable[int]) -> int:
    """Every bookmark of these pages (a new cached copy, a fetched title)."""
    ids = Bookmark.objects.filter(page_id__in=list(page_ids)).values_list("pk", flat=True)
    return reindex_bookmarks(ids)


def stale_bookmark_ids() -> set[int]:
    """Bookmarks whose entry is missing or older than something it is built
    from: for writes that sent no signal (bulk_create, queryset.update).

    Every condition compares two columns across a join, so this reads whole
    tables: for a periodic job or the command, never for a request. A row
    deleted without a signal leaves no trace to find; ``--all`` rebuilds."""
    entry_time = F("search_entry__indexed_at")
    ok = Snapshot.Status.OK
    queries = [
        # No entry, or one that keeps nothing for results (written before
        # entries did, or marked when its rebuild failed).
        Bookmark.objects.filter(search_entry__shown__isnull=True).values_list("pk", flat=True),
        Bookmark.objects.filter(updated_at__gt=entry_time).values_list("pk", flat=True),
        Highlight.objects.filter(
            updated_at__gt=F("bookmark__search_entry__indexed_at")
        ).values_list("bookmark_id", flat=True),
        Note.objects.filter(updated_at__gt=F("bookmark__search_entry__indexed_at")).values_list(
            "bookmark_id", flat=True
        ),
        Bookmark.objects.filter(
            Q(page__snapshots__status=ok) & Q(page__snapshots__fetched_at__gt=entry_time)
        ).values_list("pk", flat=True),
    ]
    stale: set[int] = set()
    for query in queries:
        stale.update(query.order_by())
    return stale


def bookmark_id_batches(size: int = BATCH_SIZE) -> Iterator[list[int]]:
    """Every bookmark id, in ascending batches read one at a time (keyset)."""
    last = 0
    while True:
        batch = list(
            Bookmark.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size]
        )
        if not batch:
            return
        yield batch
        last = batch[-1]
