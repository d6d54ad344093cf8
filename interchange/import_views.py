"""Uploading a bookmark file, and following its import (interchange.importing)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from config.decorators import form_endpoint

from .forms import ImportForm
from .importing import create_import_job
from .models import ImportJob
from .netscape import MAX_FILE_BYTES
from .reports import report_lines

RECENT_JOBS = 10
#: Seconds between reloads of a job's page while it runs (no JavaScript needed).
REFRESH_SECONDS = 3


class UploadLimit(FileUploadHandler):
    """Stops storing an upload once it passes the import's size limit, so an
    absurd file is neither kept in memory nor written to disk in full."""

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_too_large = True
            # Read and drop the rest, so the page can answer with the form.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


@form_endpoint
@csrf_exempt
def upload(request):
    # Upload handlers must be in place before the body is read, which the
    # CSRF check would do first: the check runs inside, after this.
    request.upload_handlers.insert(0, UploadLimit(request, MAX_FILE_BYTES))
    return _upload(request)


@csrf_protect
def _upload(request):
    if request.method == "POST":
        form = ImportForm(
            request.POST,
            request.FILES,
            user=request.user,
            too_large=getattr(request, "upload_too_large", False),
        )
        if form.is_valid():
            data = form.cleaned_data
            job = create_import_job(
                owner=request.user,
                upload=data["file"],
                group=data["group"],
                public=data["public"],
                folders_as_tags=data["folders_as_tags"],
                tag_separator=data["tag_separator"],
            )
            messages.success(
                request, _("Your file is in. It is imported in the background: follow it here.")
            )
            return redirect("import:job", job.pk)
    else:
        form = ImportForm(user=request.user)
    jobs = ImportJob.objects.filter(owner=request.user)[:RECENT_JOBS]
    return render(request, "interchange/import.html", {"form": form, "jobs": jobs})


@login_required
@require_safe
def job_detail(request, job_id: int):
    """One import's progress and, at the end, its report. Another person's is 404."""
    job = get_object_or_404(
        ImportJob.objects.select_related("group"), pk=job_id, owner=request.user
    )
    return render(
        request,
        "interchange/import_job.html",
        {
            "job": job,
            "lines": report_lines(job.report) if job.status == ImportJob.Status.DONE else [],
            "refresh": REFRESH_SECONDS if not job.is_finished else None,
        },
    )
