"""Snapshots end to end in one process: pages served on 127.0.0.1, fetched
through the guard, turned into a stored copy; failures recorded."""

import pytest
from django.core.files.storage import default_storage

from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import get_or_create_page
from bookmarks.snapshotting import RetryLater, request_snapshots, take_snapshot
from bookmarks.tasks import snapshot_page
from bookmarks.tests.factories import BookmarkFactory
from bookmarks.tests.pageserver import PageServer

pytestmark = pytest.mark.django_db

PAGE = (
    b"<!doctype html><html><head><meta charset='gbk'><title>\xbc\xdc\xb9\xb9</title>"
    b"<meta name=description content='about architecture'>"
    b"<link rel=stylesheet href='/s.css'><script>alert(1)</script></head>"
    b"<body><h1 onclick='x()'>Hello</h1><img src='/i.png' alt='a picture'></body></html>"
)
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def site():
    routes = {
        "/page": (200, {"Content-Type": "text/html"}, PAGE),
        "/s.css": (200, {"Content-Type": "text/css"}, b"h1 { color: red }"),
        "/i.png": (200, {"Content-Type": "image/png"}, PNG),
        "/gone": (404, {"Content-Type": "text/html"}, b"no"),
        "/broken": (500, {"Content-Type": "text/html"}, b"oops"),
        "/report.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 fake"),
    }
    with PageServer(routes) as server:
        yield server


def snapshot_of(url) -> Snapshot:
    page = get_or_create_page(url=url)
    (snapshot_id,) = request_snapshots(page_ids=[page.pk])
    return Snapshot.objects.get(pk=snapshot_id)


def test_a_page_becomes_a_safe_self_contained_copy(site):
    snapshot = snapshot_of(site.url("/page"))
    take_snapshot(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "ok" and snapshot.http_status == 200
    assert snapshot.charset == "gb18030" and snapshot.sha256
    html = default_storage.open(snapshot.html.name).read().decode()
    assert "<script" not in html and "onclick" not in html and "alert" not in html
    assert "data:image/png;base64," in html and "color:red" in html
    assert snapshot.text == "Hello"
    page = snapshot.page
    page.refresh_from_db()
    assert (page.title, page.description) == ("架构", "about architecture")


def test_a_bookmark_without_a_title_takes_the_fetched_one(site):
    bookmark = BookmarkFactory(title="", page=get_or_create_page(url=site.url("/page")))
    kept = BookmarkFactory(title="Mine", page=bookmark.page)
    (snapshot_id,) = request_snapshots(page_ids=[bookmark.page_id])
    take_snapshot(snapshot_id=snapshot_id)
    assert Bookmark.objects.get(pk=bookmark.pk).title == "架构"
    assert Bookmark.objects.get(pk=kept.pk).title == "Mine"


def test_identical_copies_are_stored_once(site):
    first, second = snapshot_of(site.url("/page")), None
    take_snapshot(snapshot_id=first.pk)
    assert request_snapshots(page_ids=[first.page_id]) == []  # one good copy is enough
    (second_id,) = request_snapshots(page_ids=[first.page_id], again=True)
    take_snapshot(snapshot_id=second_id)
    first.refresh_from_db()
    second = Snapshot.objects.get(pk=second_id)
    assert first.html.name == second.html.name


def test_one_pending_snapshot_per_page_and_duplicates_change_nothing(site):
    snapshot = snapshot_of(site.url("/page"))
    assert request_snapshots(page_ids=[snapshot.page_id]) == []
    take_snapshot(snapshot_id=snapshot.pk)
    requests_made = len(site.requests)
    assert take_snapshot(snapshot_id=snapshot.pk) is None  # a duplicate delivery
    assert len(site.requests) == requests_made
    assert Snapshot.objects.count() == 1


@pytest.mark.parametrize(("path", "status"), [("/gone", 404)])
def test_a_client_error_is_recorded_without_retry(site, path, status):
    bookmark = BookmarkFactory(page=get_or_create_page(url=site.url(path)))
    (snapshot_id,) = request_snapshots(page_ids=[bookmark.page_id])
    snapshot = take_snapshot(snapshot_id=snapshot_id)
    assert snapshot.status == "failed" and snapshot.http_status == status
    assert snapshot.error
    assert Bookmark.objects.filter(pk=bookmark.pk).exists()


def test_a_server_error_is_retried(site):
    snapshot = snapshot_of(site.url("/broken"))
    with pytest.raises(RetryLater):
        take_snapshot(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "pending"


def test_the_task_gives_up_after_its_retries_and_says_why(site, settings):
    snapshot = snapshot_of(site.url("/broken"))
    snapshot_page.apply(args=[snapshot.pk], retries=5)
    snapshot.refresh_from_db()
    assert snapshot.status == "failed" and "500" in snapshot.error


def test_a_refused_address_is_recorded(settings):
    settings.FETCH_NETWORK = "loopback"
    snapshot = snapshot_of("https://example.org/elsewhere")
    take_snapshot(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "failed" and snapshot.error


def test_a_file_is_kept_as_it_is(site):
    snapshot = snapshot_of(site.url("/report.pdf"))
    take_snapshot(snapshot_id=snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "ok" and snapshot.content_type == "application/pdf"
    assert default_storage.open(snapshot.html.name).read() == b"%PDF-1.4 fake"


def snapshot_callbacks(callbacks) -> list:
    """The on-commit callbacks that enqueue snapshots (other apps, such as
    search, register their own)."""
    return [c for c in callbacks if getattr(c, "__name__", "") == "enqueue_new_snapshots"]


def test_with_fetching_off_snapshots_stay_pending(settings, django_capture_on_commit_callbacks):
    settings.FETCH_NETWORK = "off"
    with django_capture_on_commit_callbacks() as callbacks:
        snapshot = snapshot_of("https://example.org/")
    assert snapshot_callbacks(callbacks) == [] and snapshot.status == "pending"


def test_saving_a_bookmark_asks_for_a_snapshot_once_committed(
    site, user, django_capture_on_commit_callbacks
):
    from bookmarks.services import save_bookmark

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bookmark, _ = save_bookmark(user=user, url=site.url("/page"))
    assert len(snapshot_callbacks(callbacks)) == 1  # the task runs eagerly in tests
    snapshot = bookmark.page.snapshots.get()
    assert snapshot.status == "ok"
    assert Bookmark.objects.get(pk=bookmark.pk).title == "架构"


def test_demo_pages_are_never_fetched(user, django_capture_on_commit_callbacks):
    from bookmarks.services import save_bookmark

    with django_capture_on_commit_callbacks() as callbacks:
        save_bookmark(user=user, url="https://example.org/made-up", snapshot=False)
    assert snapshot_callbacks(callbacks) == [] and not Snapshot.objects.exists()


def test_snapshot_pending_takes_them_all_in_the_foreground(site):
    from io import StringIO

    from django.core.management import call_command

    for path in ("/page", "/gone", "/broken"):
        snapshot_of(site.url(path))
    out, err = StringIO(), StringIO()
    call_command("snapshot_pending", stdout=out, stderr=err)
    assert "Snapshots: 1 ok, 1 failed, 1 still pending" in out.getvalue()
    assert "[3/3]" in err.getvalue() or "[3/3]" in out.getvalue()


def test_the_owner_asks_for_a_new_copy(client, user, site):
    from django.urls import reverse

    from accounts.tests.factories import UserFactory

    bookmark = BookmarkFactory(user=user, is_private=False)
    snapshot = Snapshot.objects.create(page=bookmark.page, status="ok")
    url = reverse("bookmarks:take_snapshot", args=[bookmark.pk])
    client.force_login(UserFactory())
    assert client.post(url).status_code == 403  # visible, not theirs
    client.force_login(user)
    assert client.post(url).status_code == 302
    assert bookmark.page.snapshots.exclude(pk=snapshot.pk).get().status == "pending"
    assert (
        "Take a new cached copy"
        in client.get(reverse("bookmarks:detail", args=[bookmark.pk])).content.decode()
    )
