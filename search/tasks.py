"""Celery tasks for search: a periodic sweep for entries bulk writes left stale."""

from celery import shared_task

from .indexing import reindex_bookmarks, stale_bookmark_ids


@shared_task(
    acks_late=True,
    # The sweep reads whole tables; at a million bookmarks it takes seconds,
    # rebuilding after a large import longer. Beyond this, the next run goes on.
    soft_time_limit=600,
    time_limit=660,
)
def refresh_stale_entries() -> int:
    return reindex_bookmarks(stale_bookmark_ids())
