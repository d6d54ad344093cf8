"""Celery tasks: thin wrappers around interchange.importing."""

from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .importing import enqueue_import, run_import_job
from .models import ImportJob

#: A job still queued after this long is enqueued again (its first enqueue
#: may have met a broker that was down).
STALE_AFTER = timedelta(minutes=15)


@shared_task(
    # Acknowledged only when done: a worker killed mid-import leaves the
    # message to be delivered again, and the import, which merges, runs again
    # without doubling anything.
    acks_late=True,
    reject_on_worker_lost=True,
    # 100,000 bookmarks take about a minute (bench/imports.py); the limits
    # leave room for slow databases while stopping a runaway, and the soft
    # one lets the job record why it stopped.
    soft_time_limit=60 * 60,
    time_limit=60 * 60 + 60,
)
def import_bookmarks_file(job_id: int) -> None:
    try:
        run_import_job(job_id=job_id)
    except SoftTimeLimitExceeded:
        job = ImportJob.objects.filter(pk=job_id).first()
        if job is not None:
            with translation.override(job.language or None):
                job.error = _(
                    "The import took too long and was stopped. What it had written is kept; "
                    "upload the file again to import the rest."
                )
            job.save(update_fields=["error"])


@shared_task
def enqueue_stale_imports() -> int:
    """The periodic job: enqueue imports still waiting for a worker."""
    stale = timezone.now() - STALE_AFTER
    waiting = ImportJob.objects.filter(status=ImportJob.Status.QUEUED, created_at__lt=stale)
    ids = list(waiting.order_by("created_at").values_list("pk", flat=True)[:100])
    for job_id in ids:
        enqueue_import(job_id)
    return len(ids)
