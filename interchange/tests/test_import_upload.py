"""The upload page and the background import: stored through the storage
API, run by the Celery task, followed on the job's page."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark
from groups.models import GroupItem
from groups.tests.factories import GroupFactory, MembershipFactory
from interchange import import_views
from interchange.importing import run_import_job
from interchange.models import ImportJob
from interchange.tasks import enqueue_stale_imports

from .samples import DATA, csv_text, row

pytestmark = pytest.mark.django_db

#: An upload's name loses everything up to a "/", so this one has none.
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def no_fetching(settings):
    settings.FETCH_NETWORK = "off"  # imported pages are made up


def upload(client, name: str, data: bytes, **fields):
    return client.post(
        reverse("import:upload"),
        {
            "file": SimpleUploadedFile(name, data),
            "tag_separator": "auto",
            "folders_as_tags": "on",
            **fields,
        },
    )


def test_the_form_is_labelled(client, user):
    client.force_login(user)
    text = client.get(reverse("import:upload")).content.decode()
    for name in ("file", "folders_as_tags", "tag_separator", "group", "public"):
        assert f'<label for="id_{name}"' in text, name
    assert 'enctype="multipart/form-data"' in text


def test_upload_is_stored_imported_and_reported(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, f"{HOSTILE}.html", (DATA / "firefox.html").read_bytes())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import:job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    assert (job.total, job.processed, job.format) == (9, 9, "netscape")
    assert job.original_name == f"{HOSTILE}.html"
    assert not job.file and not default_storage.listdir("imports")[1]  # the file is gone
    assert Bookmark.objects.filter(user=user).count() == 7
    assert job.report["created"] == 7 and job.report["separator"] == "comma"

    page = client.get(reverse("import:job", args=[job.pk]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Bookmarks: 7 created, 0 updated, 0 unchanged" in text
    assert "the folder “Later/Soon” saved as the tag “Later_Soon”" in text
    assert HOSTILE not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    assert 'http-equiv="refresh"' not in text


def test_upload_a_diigo_csv_into_a_group(client, user, django_capture_on_commit_callbacks):
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    client.force_login(user)
    data = csv_text([row(1), row(2)]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "export.csv", data, group=group.pk, public="on")
    job = ImportJob.objects.get()
    assert (job.status, job.format, job.report["shared"]) == ("done", "diigo_csv", 2)
    assert GroupItem.objects.filter(group=group).count() == 2
    assert not Bookmark.objects.filter(is_private=True).exists()


def test_only_ones_own_groups_are_offered(client, user):
    theirs = GroupFactory()
    client.force_login(user)
    response = upload(client, "b.html", (DATA / "pinboard.html").read_bytes(), group=theirs.pk)
    assert response.status_code == 200
    assert response.context["form"].errors["group"]
    assert not ImportJob.objects.exists()


def test_progress_while_running(client, user):
    job = ImportJob.objects.create(
        owner=user, original_name="big.html", format="netscape", status="running", total=100
    )
    ImportJob.objects.filter(pk=job.pk).update(processed=40)
    client.force_login(user)
    text = client.get(reverse("import:job", args=[job.pk])).content.decode()
    assert '<progress id="import-progress" max="100" value="40">' in text
    assert "40 of 100 bookmarks read" in text
    assert '<meta http-equiv="refresh" content="3">' in text


def test_someone_elses_import_is_404(client, user):
    job = ImportJob.objects.create(owner=UserFactory(), original_name="x.html", format="netscape")
    client.force_login(user)
    assert client.get(reverse("import:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("import:job", args=[job.pk + 1000])).status_code == 404


def test_a_file_of_another_kind_is_refused_at_once(client, user):
    client.force_login(user)
    response = upload(client, "notes.txt", b"Just some notes\nnothing more\n")
    assert response.status_code == 200
    assert "neither a bookmark file (HTML) nor a Diigo CSV export" in response.content.decode()
    response = upload(client, "empty.html", b"")
    assert response.context["form"].errors["file"]
    assert not ImportJob.objects.exists()


def test_a_file_too_large_is_not_stored(client, user, monkeypatch):
    monkeypatch.setattr(import_views, "MAX_FILE_BYTES", 1000)
    client.force_login(user)
    response = upload(client, "big.html", (DATA / "firefox.html").read_bytes())
    assert response.status_code == 200
    assert "The file is larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_hostile_file_fails_with_its_reason(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    laughs = b'<!DOCTYPE NETSCAPE-Bookmark-file-1 [<!ENTITY a "aaaa">]>\n<DL><DT><A HREF="https://x.example/">&a;</A></DL>'
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "laughs.html", laughs)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and "declares entities" in job.error
    assert not job.file and not Bookmark.objects.exists()
    text = client.get(reverse("import:job", args=[job.pk])).content.decode()
    assert "The file was not imported." in text and "declares entities" in text


def test_a_finished_job_is_not_run_again(user):
    job = ImportJob.objects.create(owner=user, original_name="x", format="netscape", status="done")
    run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.started_at is None
    assert run_import_job(job_id=job.pk + 1000) is None


def test_a_job_whose_file_is_gone_fails(user):
    job = ImportJob.objects.create(owner=user, original_name="x.html", format="netscape")
    run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "no longer stored" in job.error


def test_stale_queued_jobs_are_enqueued_again(user):
    job = ImportJob(owner=user, original_name="p.html", format="netscape")
    job.file.save("upload", ContentFile((DATA / "pinboard.html").read_bytes()))
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(hours=1))
    fresh = ImportJob(owner=user, original_name="q.html", format="netscape")
    fresh.file.save("upload", ContentFile((DATA / "pinboard.html").read_bytes()))

    assert enqueue_stale_imports() == 1  # tasks run eagerly in the tests
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert (job.status, fresh.status) == ("done", "queued")
    assert Bookmark.objects.count() == 4


def test_a_member_no_longer_is_told_so(user):
    group = GroupFactory(name="讀書會")
    job = ImportJob(owner=user, group=group, original_name="p.html", format="netscape")
    job.file.save("upload", ContentFile((DATA / "pinboard.html").read_bytes()))
    run_import_job(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Only members may share into “讀書會”; nothing was imported."
    assert not Bookmark.objects.exists() and not job.file
