"""Keeping entries fresh: model signals name what changed; the work waits for
the commit.

Every receiver only records ids. The first one in a transaction registers a
single ``on_commit`` callback that reindexes everything recorded by then, so
saving a bookmark with ten tags and three highlights is one reindex, after
the rows are committed (and none if the transaction rolls back).

Writes that send no signal (``bulk_create``, ``queryset.update``: the
importer, bulk tag edits, a snapshot finishing) are found by
``reindex_search`` (see search.indexing.stale_bookmark_ids), and by
``on_content_changed`` once the lower apps send a signal for them.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Page, Snapshot, Tag
from bookmarks.signals import content_changed

from .indexing import reindex_bookmarks
from .models import SearchEntry

logger = logging.getLogger(__name__)

#: Saves that change none of what a document is built from.
_BOOKMARK_FIELDS_NOT_SEARCHED = {"to_read", "is_private", "updated_at"}
_HIGHLIGHT_FIELDS_NOT_SEARCHED = {
    "colour",
    "updated_at",
    "prefix",
    "suffix",
    "start",
    "end",
    "snapshot",
    "anchor_state",
}


@dataclass
class _Pending:
    bookmark_ids: set[int] = field(default_factory=set)
    page_ids: set[int] = field(default_factory=set)
    tag_ids: set[int] = field(default_factory=set)
    flushed: bool = False

    def flush(self) -> None:
        self.flushed = True
        ids = set(self.bookmark_ids)
        if self.page_ids:
            ids.update(
                Bookmark.objects.filter(page_id__in=self.page_ids).values_list("pk", flat=True)
            )
        if self.tag_ids:
            ids.update(
                BookmarkTag.objects.filter(tag_id__in=self.tag_ids).values_list(
                    "bookmark_id", flat=True
                )
            )
        if not ids:
            return
        try:
            reindex_bookmarks(ids)
        except Exception:
            # What these entries keep for results may show a note or a
            # highlight that is gone: results read the rows afresh while
            # they keep nothing, and the periodic sweep rebuilds them.
            logger.exception("Reindexing %d bookmarks failed; marked stale", len(ids))
            SearchEntry.objects.filter(bookmark_id__in=ids).update(shown=None)


def schedule(*, bookmark_ids=(), page_ids=(), tag_ids=()) -> None:
    """Reindex these once the current transaction commits (now, outside one)."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_search_pending", None)
    # A callback registered in a savepoint that rolled back is gone from the
    # list: start a new batch rather than add to one that will never run.
    if (
        pending is None
        or pending.flushed
        or not any(func == pending.flush for _, func, _ in connection.run_on_commit)
    ):
        pending = connection._search_pending = _Pending()
        register = True
    else:
        register = False
    pending.bookmark_ids.update(bookmark_ids)
    pending.page_ids.update(page_ids)
    pending.tag_ids.update(tag_ids)
    if register:
        # Registered after the ids are in: outside a transaction it runs now.
        # robust: a failing index must not undo or fail the save; it is logged.
        transaction.on_commit(pending.flush, robust=True)


@receiver(content_changed, dispatch_uid="search_content_changed")
def on_content_changed(sender, *, bookmark_ids=(), page_ids=(), **kwargs) -> None:
    """For a ``content_changed`` signal sent by bulk writes in lower apps."""
    schedule(bookmark_ids=bookmark_ids, page_ids=page_ids)


def _searched(update_fields, not_searched: set[str]) -> bool:
    return update_fields is None or not set(update_fields) <= not_searched


@receiver(post_save, sender=Bookmark, dispatch_uid="search_bookmark_saved")
def bookmark_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _searched(update_fields, _BOOKMARK_FIELDS_NOT_SEARCHED):
        schedule(bookmark_ids=[instance.pk])


# A deleted bookmark's entry goes with it (on_delete=CASCADE).


@receiver(post_save, sender=Highlight, dispatch_uid="search_highlight_saved")
def highlight_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if not raw and _searched(update_fields, _HIGHLIGHT_FIELDS_NOT_SEARCHED):
        schedule(bookmark_ids=[instance.bookmark_id])


@receiver(post_save, sender=Note, dispatch_uid="search_note_saved")
@receiver(post_save, sender=BookmarkTag, dispatch_uid="search_bookmarktag_saved")
def part_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(bookmark_ids=[instance.bookmark_id])


@receiver(post_delete, sender=Highlight, dispatch_uid="search_highlight_deleted")
@receiver(post_delete, sender=Note, dispatch_uid="search_note_deleted")
@receiver(post_delete, sender=BookmarkTag, dispatch_uid="search_bookmarktag_deleted")
def part_deleted(sender, instance, **kwargs):
    schedule(bookmark_ids=[instance.bookmark_id])


@receiver(m2m_changed, sender=Bookmark.tags.through, dispatch_uid="search_tags_changed")
def tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:
        if action != "pre_clear":
            schedule(bookmark_ids=[instance.pk])
    elif action == "pre_clear":
        # tag.bookmarks.clear(): who had the tag is unknown once it is done.
        schedule(
            bookmark_ids=BookmarkTag.objects.filter(tag=instance).values_list(
                "bookmark_id", flat=True
            )
        )
    elif pk_set:
        schedule(bookmark_ids=pk_set)


@receiver(post_save, sender=Tag, dispatch_uid="search_tag_saved")
def tag_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:  # renamed: every bookmark with the tag
        schedule(tag_ids=[instance.pk])


@receiver(post_save, sender=Page, dispatch_uid="search_page_saved")
def page_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:  # a fetched title or description
        schedule(page_ids=[instance.pk])


@receiver(post_save, sender=Snapshot, dispatch_uid="search_snapshot_saved")
@receiver(post_delete, sender=Snapshot, dispatch_uid="search_snapshot_deleted")
def snapshot_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.status == Snapshot.Status.OK:
        schedule(page_ids=[instance.page_id])
