import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import Group


def _upload_path(job: "ImportJob", filename: str) -> str:
    # Never the uploader's file name: it is kept in original_name for display.
    return f"imports/{uuid.uuid4().hex}"


class ImportJob(models.Model):
    """A bookmark file someone uploaded, imported in the background.

    The file is kept through Django's storage API (a worker on another machine
    reads it there) until the import ends, then deleted; the report stays."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("importing")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        NETSCAPE = "netscape", _("Netscape bookmark file (HTML)")
        DIIGO_CSV = "diigo_csv", _("Diigo CSV")

    class Separator(models.TextChoices):
        AUTO = "auto", _("decide from the file")
        COMMA = "comma", _("commas")
        SPACE = "space", _("spaces")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    #: Also share every imported bookmark into this group.
    group = models.ForeignKey(
        Group, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=_upload_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    format = models.CharField(_("format"), max_length=16, choices=Format.choices)
    folders_as_tags = models.BooleanField(_("folders become tags"), default=True)
    tag_separator = models.CharField(
        _("tag separator"), max_length=8, choices=Separator.choices, default=Separator.AUTO
    )
    #: New bookmarks the file does not mark private or public are public.
    public = models.BooleanField(_("public"), default=False)
    #: The uploader's language, for the reasons written into the report.
    language = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    #: Entries the file holds, once checked (unknown for a CSV until it is read).
    total = models.PositiveIntegerField(_("entries"), null=True, blank=True)
    processed = models.PositiveIntegerField(_("read"), default=0)
    #: What the import did (interchange.reports.outcome_report), once done.
    report = models.JSONField(_("report"), default=dict, blank=True)
    #: Why the file was refused, or the import stopped.
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]),
                name="importjob_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(format__in=["netscape", "diigo_csv"]), name="importjob_format_valid"
            ),
            models.CheckConstraint(
                condition=Q(tag_separator__in=["auto", "comma", "space"]),
                name="importjob_separator_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="importjob_owner"),
            models.Index(fields=["status", "created_at"], name="importjob_status"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


# The Pinboard API's models live beside its code; Django finds models here.
from .pinboard.changes import SyncState  # noqa: E402, F401
from .pinboard.tokens import ApiToken  # noqa: E402, F401
