"""Celery tasks: thin wrappers around bookmarks.snapshotting."""

import random
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone

from .models import Snapshot
from .snapshotting import RetryLater, record_failure, take_snapshot

#: Network errors and 5xx are retried this many times, backing off
#: exponentially (with jitter so a burst of failures does not retry in step).
MAX_RETRIES = 5
#: A snapshot still pending after this long is enqueued again.
STALE_AFTER = timedelta(minutes=15)


@shared_task(
    bind=True,
    # Acknowledged only when done: a worker killed mid-task leaves the message
    # to be delivered again (and take_snapshot is idempotent).
    acks_late=True,
    reject_on_worker_lost=True,
    # A fetch has its own wall-clock limit (FETCH_TIMEOUT); these bound the
    # whole task, resources and parsing included, with room to record why.
    soft_time_limit=120,
    time_limit=150,
)
def snapshot_page(self, snapshot_id: int) -> None:
    try:
        take_snapshot(snapshot_id=snapshot_id)
    except RetryLater as exc:
        if self.request.retries >= MAX_RETRIES:
            _give_up(snapshot_id, str(exc))
            return
        countdown = 2**self.request.retries * 30
        raise self.retry(
            exc=exc,
            countdown=countdown + random.uniform(0, countdown / 2),  # noqa: S311
        ) from exc
    except SoftTimeLimitExceeded:
        _give_up(snapshot_id, "Taking the snapshot took too long.")


def _give_up(snapshot_id: int, reason: str) -> None:
    snapshot = Snapshot.objects.select_related("page").filter(pk=snapshot_id).first()
    if snapshot is not None and snapshot.status == Snapshot.Status.PENDING:
        record_failure(snapshot, reason)


@shared_task
def enqueue_stale_snapshots() -> int:
    """The periodic job: enqueue pending snapshots again (their first enqueue
    may have met a broker that was down)."""
    from .snapshotting import enqueue_snapshots

    stale = timezone.now() - STALE_AFTER
    pending = Snapshot.objects.filter(status=Snapshot.Status.PENDING, created_at__lt=stale)
    ids = list(pending.order_by("created_at").values_list("pk", flat=True)[:1000])
    enqueue_snapshots(ids)
    return len(ids)
