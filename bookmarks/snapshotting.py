"""Taking snapshots: a pending row when a page is saved, the fetch and the
cached copy when a worker gets to it.

``request_snapshots`` is called wherever pages are saved (the bookmark
services, the importer); it only writes a pending row and enqueues the task
once the transaction commits, so a save never waits on the network or the
broker. ``take_snapshot`` is the worker's side: idempotent, it does nothing
for a snapshot that is no longer pending."""

import logging
from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .fetch import FetchFailed, FetchRefused, fetch
from .models import Bookmark, Page, Snapshot
from .signals import content_changed, snapshot_taken
from .snapshot.pipeline import build_copy

logger = logging.getLogger(__name__)

#: Each stylesheet or image a copy inlines gets a shorter deadline than the
#: page, so one slow resource cannot use up the task's time limit.
RESOURCE_TIMEOUT = 5.0


class RetryLater(Exception):
    """A network error or a 5xx: worth another try later."""


def request_snapshots(*, page_ids: Iterable[int], again: bool = False) -> list[int]:
    """A pending snapshot for each page that has neither one pending nor
    (unless ``again``) a good one already, enqueued on commit. Returns the
    new snapshots' ids."""
    page_ids = set(page_ids)
    skip = [Snapshot.Status.PENDING] if again else [Snapshot.Status.PENDING, Snapshot.Status.OK]
    existing = Snapshot.objects.filter(page=OuterRef("pk"), status__in=skip)
    pages = Page.objects.filter(pk__in=page_ids).exclude(Exists(existing))
    created = Snapshot.objects.bulk_create(
        [Snapshot(page_id=page_id) for page_id in pages.values_list("pk", flat=True)]
    )
    ids = [snapshot.pk for snapshot in created]
    if ids:
        # Pages now say "Caching…": tell the apps above (group page caches).
        content_changed.send(sender=Snapshot, page_ids=[s.page_id for s in created])
    if ids and settings.FETCH_NETWORK != "off":
        # A named function, not a partial: Django logs a failing robust
        # callback by its __qualname__, which a partial lacks.
        def enqueue_new_snapshots():
            enqueue_snapshots(ids)

        transaction.on_commit(enqueue_new_snapshots, robust=True)
    return ids


def enqueue_snapshots(snapshot_ids: list[int]) -> None:
    # Imported here: the task module imports this one.
    from .tasks import snapshot_page

    for snapshot_id in snapshot_ids:
        # retry=False: with the broker down, fail at once (the row stays
        # pending and the periodic job enqueues it again later).
        snapshot_page.apply_async(args=[snapshot_id], retry=False)


def take_snapshot(*, snapshot_id: int) -> Snapshot | None:
    """Fetch the page and store its cached copy. Raises RetryLater when the
    failure is worth retrying; records any other failure on the snapshot."""
    snapshot = (
        Snapshot.objects.select_related("page")
        .filter(pk=snapshot_id, status=Snapshot.Status.PENDING)
        .first()
    )
    if snapshot is None:
        return None  # done already, or gone: a duplicate delivery changes nothing
    try:
        result = fetch(snapshot.page.url)
    except FetchRefused as refusal:
        return record_failure(snapshot, refusal.reason)
    except FetchFailed as failure:
        if failure.retryable:
            raise RetryLater(failure.reason) from failure
        return record_failure(snapshot, failure.reason, http_status=failure.status)
    copy = build_copy(
        url=result.url,
        content_type=result.content_type,
        charset_header=result.charset,
        body=result.body,
        fetch_resource=partial(fetch, timeout=RESOURCE_TIMEOUT),
    )
    name = _store(copy.stored_bytes, copy.sha256, html=copy.kind == "html")
    # One transaction: should re-anchoring fail, the snapshot stays pending
    # and a retry does it all again, rather than an ok copy with highlights
    # left on the old one.
    with transaction.atomic():
        # Still pending: a duplicate delivery that finished first wins, once.
        done = Snapshot.objects.filter(pk=snapshot.pk, status=Snapshot.Status.PENDING).update(
            status=Snapshot.Status.OK,
            fetched_at=timezone.now(),
            http_status=result.status,
            final_url=result.url,
            content_type=copy.content_type,
            charset=copy.charset or "",
            size=copy.size,
            sha256=copy.sha256,
            html=name,
            text=copy.text,
            error="",
        )
        if not done:
            snapshot.refresh_from_db()
            return snapshot
        _fill_in_titles(snapshot.page, title=copy.title, description=copy.description)
        content_changed.send(sender=Snapshot, page_ids=[snapshot.page_id])
        snapshot.refresh_from_db()
        if copy.kind == "html" and copy.text:
            snapshot_taken.send(sender=Snapshot, snapshot=snapshot)
    return snapshot


def record_failure(snapshot: Snapshot, reason: str, *, http_status: int | None = None):
    logger.info("Snapshot %s of %s failed: %s", snapshot.pk, snapshot.page.url, reason)
    Snapshot.objects.filter(pk=snapshot.pk).update(
        status=Snapshot.Status.FAILED,
        fetched_at=timezone.now(),
        http_status=http_status,
        error=reason[:2000],
    )
    content_changed.send(sender=Snapshot, page_ids=[snapshot.page_id])
    snapshot.refresh_from_db()
    return snapshot


def _store(data: bytes, sha256: str, *, html: bool) -> str:
    """Store a copy under its content hash: identical copies are kept once."""
    name = f"snapshots/{sha256[:2]}/{sha256}{'.html' if html else ''}"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # another worker stored the same bytes meanwhile
            default_storage.delete(saved)
    return name


def _fill_in_titles(page: Page, *, title: str, description: str) -> None:
    """The page takes what was fetched; a bookmark saved without a title
    takes the fetched one."""
    changes = {}
    if title and not page.title:
        changes["title"] = title[:2000]
    if description and not page.description:
        changes["description"] = description[:5000]
    if changes:
        Page.objects.filter(pk=page.pk).update(**changes)
    if title:
        Bookmark.objects.filter(page=page, title="").update(title=title[:2000])
