from django.contrib import admin
from django.db import transaction

from .importing import enqueue_import
from .models import ImportJob
from .pinboard import admin as pinboard_admin  # noqa: F401 - registers the token admin


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports are watched here, not edited: a job's record is what happened.
    A job added here is queued like an upload."""

    list_display = (
        "original_name",
        "owner",
        "format",
        "status",
        "processed",
        "total",
        "created_at",
    )
    list_filter = ("status", "format")
    list_select_related = ("owner",)
    search_fields = ("original_name", "owner__username", "owner__display_name")
    date_hierarchy = "created_at"
    autocomplete_fields = ("owner", "group")
    fields = (
        "owner",
        "file",
        "original_name",
        "format",
        "group",
        "public",
        "folders_as_tags",
        "tag_separator",
        "status",
        "total",
        "processed",
        "error",
        "report",
        "created_at",
        "started_at",
        "finished_at",
    )
    _progress = ("status", "total", "processed", "error", "report")
    _times = ("created_at", "started_at", "finished_at")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self._progress + self._times
        return self.fields

    def save_model(self, request, obj, form, change):
        if not change and not obj.original_name:
            obj.original_name = obj.file.name[:255]
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: enqueue_import(obj.pk), robust=True)
