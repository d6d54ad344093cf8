"""Reads for bookmarks, tags and a page's snapshots."""

from dataclasses import dataclass

from django.db.models import F, OuterRef, Subquery

from .models import Snapshot, Tag
from .tagnames import fold

#: How many of a page's snapshots its bookmark and item pages list.
SNAPSHOT_HISTORY_SIZE = 20


def find_tag(name: str) -> Tag | None:
    """The tag this name spells, whatever its case or Unicode form."""
    return Tag.objects.filter(key=fold(name)).first()


def newest_cached_snapshot_id(page_ref: str = "page") -> Subquery:
    """The id of the page's newest ok snapshot that has HTML: its cached copy."""
    newest_ok = (
        Snapshot.objects.filter(page=OuterRef(page_ref), status=Snapshot.Status.OK)
        .exclude(html="")
        .order_by(F("fetched_at").desc(nulls_last=True), "-id")
        .values("id")[:1]
    )
    return Subquery(newest_ok)


@dataclass
class SnapshotHistory:
    #: Newest first, at most ``SNAPSHOT_HISTORY_SIZE``.
    snapshots: list[Snapshot]
    #: The one readers are shown (``newest_cached_snapshot_id``), if any.
    shown_id: int | None
    #: Whether older snapshots exist beyond the list.
    more: bool


def snapshot_history(page_id: int, shown_id: int | None) -> SnapshotHistory:
    """A page's snapshots, newest first, in one query. The caller has already
    decided the reader may see the page."""
    rows = list(
        Snapshot.objects.filter(page_id=page_id)
        .only("pk", "status", "fetched_at", "created_at", "error", "html")
        .order_by("-created_at", "-id")[: SNAPSHOT_HISTORY_SIZE + 1]
    )
    return SnapshotHistory(
        snapshots=rows[:SNAPSHOT_HISTORY_SIZE],
        shown_id=shown_id,
        more=len(rows) > SNAPSHOT_HISTORY_SIZE,
    )
