"""Importing a file, whatever its format: from the command line, and in the
background for an upload (an ImportJob, run by interchange.tasks).

The format is read from the content. A Netscape file is checked whole first
(interchange.netscape.check_file), so a refused file writes nothing; then it
streams through the importer. A Diigo CSV is decoded whole, as before.
"""

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import BinaryIO

from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Page
from groups.models import Group
from groups.services import NotAMember

from .diigo import DiigoFormatError, decode_export, parse_export
from .formats import NETSCAPE, SNIFF_BYTES, sniff_format
from .importer import BATCH_SIZE, ImportSummary, import_records
from .models import ImportJob
from .netscape import (
    AUTO,
    MAX_FILE_BYTES,
    FileCheck,
    NetscapeFormatError,
    NetscapeReader,
    check_file,
)
from .reports import outcome_report

logger = logging.getLogger(__name__)

Opener = Callable[[], AbstractContextManager[BinaryIO]]
#: A Diigo CSV is decoded whole (its rows may span lines anywhere), so it is
#: held to a smaller size than a streamed Netscape file.
MAX_CSV_BYTES = 64 * 1024 * 1024
#: The job's progress is written every this many entries.
PROGRESS_EVERY = 1000
#: Imports that create this many bookmarks refresh the planner's statistics.
ANALYZE_AFTER = 10_000


class FileRefused(ValueError):
    """The file cannot be imported at all; the message says why."""


@dataclass
class ImportOutcome:
    format: str
    summary: ImportSummary
    #: Netscape files only: what the first reading found, and the reader.
    check: FileCheck | None = None
    reader: NetscapeReader | None = None


def detect_format(open_file: Opener) -> str:
    with open_file() as stream:
        return sniff_format(stream.read(SNIFF_BYTES))


def import_file(
    open_file: Opener,
    *,
    user,
    group: Group | None = None,
    public: bool = False,
    folders_as_tags: bool = True,
    separator: str = AUTO,
    batch_size: int = BATCH_SIZE,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Import the file ``open_file`` opens (it is opened more than once).
    Raises FileRefused before writing anything, and NotAMember."""
    format = detect_format(open_file)
    options = {"user": user, "group": group, "public": public, "batch_size": batch_size}
    options.update(on_progress=on_progress, progress_every=PROGRESS_EVERY)
    if format == NETSCAPE:
        try:
            check = check_file(open_file, separator=separator)
        except NetscapeFormatError as exc:
            raise FileRefused(str(exc)) from None
        if on_total:
            on_total(check.entries)
        reader = NetscapeReader(open_file, check, folders_as_tags=folders_as_tags)
        try:
            summary = import_records(reader, **options)
        except NetscapeFormatError as exc:  # the file changed between the readings
            raise FileRefused(str(exc)) from None
        _analyze_after(summary)
        return ImportOutcome(format, summary, check, reader)
    with open_file() as stream:
        data = stream.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        raise FileRefused(
            _("A CSV file may be at most %(size)d MB.") % {"size": MAX_CSV_BYTES // 2**20}
        )
    try:
        records = parse_export(decode_export(data))
    except DiigoFormatError as exc:
        raise FileRefused(str(exc)) from None
    summary = import_records(records, **options)
    _analyze_after(summary)
    return ImportOutcome(format, summary)


def _analyze_after(summary: ImportSummary) -> None:
    """After a large import, have PostgreSQL take fresh statistics of the
    tables it filled, as one should after any bulk load: until autovacuum
    gets to it, the planner takes the new rows for a few and picks plans
    that read whole tables (an export right after importing 100,000
    bookmarks took minutes instead of seconds)."""
    if summary.created < ANALYZE_AFTER or connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model in (Page, Bookmark, BookmarkTag, Highlight, Note)]
    try:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(map(connection.ops.quote_name, tables)))
    except DatabaseError:
        # Statistics are an optimisation; autovacuum takes them in time.
        logger.warning("ANALYZE after a large import failed.", exc_info=True)


# --- Background imports -------------------------------------------------------


def create_import_job(
    *,
    owner,
    upload: UploadedFile,
    group: Group | None = None,
    public: bool = False,
    folders_as_tags: bool = True,
    tag_separator: str = AUTO,
) -> ImportJob:
    """Store the upload through the storage API and queue its import once
    the transaction commits."""
    upload.seek(0)
    job = ImportJob(
        owner=owner,
        group=group,
        original_name=(upload.name or "")[:255],
        format=sniff_format(upload.read(SNIFF_BYTES)),
        public=public,
        folders_as_tags=folders_as_tags,
        tag_separator=tag_separator,
        language=translation.get_language() or "",
    )
    upload.seek(0)
    job.file.save("upload", upload, save=False)
    job.save()

    # A named function: Django logs a failing robust callback by its name.
    def enqueue_uploaded_import():
        enqueue_import(job.pk)

    transaction.on_commit(enqueue_uploaded_import, robust=True)
    return job


def enqueue_import(job_id: int) -> None:
    # Imported here: the task module imports this one.
    from .tasks import import_bookmarks_file

    # retry=False: with the broker down, fail at once; the job stays queued
    # and the periodic job (tasks.enqueue_stale_imports) tries again.
    import_bookmarks_file.apply_async(args=[job_id], retry=False)


def run_import_job(*, job_id: int) -> ImportJob | None:
    """Import a queued job's file; record the report or why it failed.
    Does nothing for a job that is gone or finished; a job that was running
    when its worker died runs again (the import merges, so nothing doubles)."""
    job = ImportJob.objects.select_related("owner", "group").filter(pk=job_id).first()
    if job is None or job.is_finished:
        return job
    job.status, job.started_at, job.processed = ImportJob.Status.RUNNING, timezone.now(), 0
    job.save(update_fields=["status", "started_at", "processed"])
    with translation.override(job.language or None):
        try:
            outcome = _import_job_file(job)
        except FileRefused as exc:
            _finish(job, error=str(exc))
        except NotAMember:
            message = _("Only members may share into “%(group)s”; nothing was imported.")
            _finish(job, error=message % {"group": job.group.name})
        except Exception:
            logger.exception("Import job %s stopped on an unexpected error.", job.pk)
            message = _(
                "The import stopped on an unexpected error. What it had written is kept; "
                "upload the file again to import the rest."
            )
            _finish(job, error=message)
            raise
        else:
            job.report = outcome_report(outcome, group=job.group, public=job.public)
            _finish(job)
    return job


def _import_job_file(job: ImportJob) -> ImportOutcome:
    if not job.file:
        raise FileRefused(_("The uploaded file is no longer stored; upload it again."))
    if job.file.size > MAX_FILE_BYTES:
        raise FileRefused(
            _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // 2**20}
        )

    def set_total(total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(total=total)

    def set_progress(processed: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=processed)

    return import_file(
        lambda: job.file.storage.open(job.file.name, "rb"),
        user=job.owner,
        group=job.group,
        public=job.public,
        folders_as_tags=job.folders_as_tags,
        separator=job.tag_separator,
        on_total=set_total,
        on_progress=set_progress,
    )


def _finish(job: ImportJob, *, error: str = "") -> None:
    """Record the end, and delete the stored file: only the report is kept."""
    job.refresh_from_db(fields=["total"])
    job.status = ImportJob.Status.FAILED if error else ImportJob.Status.DONE
    job.error = error
    job.finished_at = timezone.now()
    if not error:
        job.processed = job.report.get("rows", job.processed)
    if job.file:
        job.file.delete(save=False)
    job.save(
        update_fields=["status", "error", "finished_at", "processed", "report", "file", "total"]
    )
