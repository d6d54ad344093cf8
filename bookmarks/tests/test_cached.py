import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from bookmarks.models import Snapshot
from bookmarks.tests.factories import BookmarkFactory, SnapshotFactory
from groups.models import Group
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

CSP = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline' data:; "
    "font-src data:; media-src data:; form-action 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
BODY = "<!doctype html><p>Kept copy 保存</p>".encode()


def cached_snapshot(page, *, status=Snapshot.Status.OK, body=BODY) -> Snapshot:
    snapshot = SnapshotFactory(page=page, status=status, fetched_at=timezone.now())
    if body is not None:
        snapshot.html.save("x.html", ContentFile(body), save=True)
    return snapshot


def assert_is_the_copy_with_a_banner(response, url):
    html = response.content.decode()
    assert html.startswith('<!doctype html><div role="note"')
    assert html.endswith("<p>Kept copy 保存</p>")
    banner = html[len("<!doctype html>") : html.index("<p>")]
    assert "Cached copy of" in banner and url in banner


def test_a_file_is_handed_over_as_a_download(client):
    bookmark = BookmarkFactory()
    snapshot = cached_snapshot(bookmark.page, body=b"%PDF-1.4")
    Snapshot.objects.filter(pk=snapshot.pk).update(content_type="application/pdf")
    response = client.get(cached_url(snapshot))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b"%PDF-1.4"
    assert response["Content-Security-Policy"] == CSP


def cached_url(snapshot) -> str:
    return reverse("bookmarks:cached", args=[snapshot.pk])


def private_group(owner) -> Group:
    return create_group(
        name="Hidden Circle",
        slug="hidden-circle",
        visibility=Group.Visibility.PRIVATE,
        created_by=owner,
    )


def test_a_public_bookmarks_copy_is_served_sandboxed(client):
    bookmark = BookmarkFactory()
    snapshot = cached_snapshot(bookmark.page)
    response = client.get(cached_url(snapshot))
    assert response.status_code == 200
    assert_is_the_copy_with_a_banner(response, bookmark.page.url)
    assert response["Content-Security-Policy"] == CSP
    assert "allow-" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Cache-Control"] == "private"


def test_head_is_answered_and_other_methods_are_not(client):
    snapshot = cached_snapshot(BookmarkFactory().page)
    response = client.head(cached_url(snapshot))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert client.post(cached_url(snapshot)).status_code == 405
    assert client.put(cached_url(snapshot)).status_code == 405


def test_a_copy_only_a_private_bookmark_leads_to_is_its_owners(client, user):
    bookmark = BookmarkFactory(user=user, is_private=True)
    snapshot = cached_snapshot(bookmark.page)
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(user)
    response = client.get(cached_url(snapshot))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP


def test_another_public_bookmark_of_the_same_page_opens_the_copy(client, user):
    private = BookmarkFactory(user=user, is_private=True)
    snapshot = cached_snapshot(private.page)
    BookmarkFactory(page=private.page)
    assert client.get(cached_url(snapshot)).status_code == 200


def test_a_copy_only_a_private_group_leads_to_is_its_members(client, user):
    group = private_group(user)
    member = UserFactory()
    add_member(group=group, user=member)
    bookmark = BookmarkFactory(user=user, is_private=True)
    share_bookmark(bookmark=bookmark, group=group)
    snapshot = cached_snapshot(bookmark.page)
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(member)
    response = client.get(cached_url(snapshot))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == CSP
    assert_is_the_copy_with_a_banner(response, snapshot.page.url)


def test_a_group_item_opens_the_copy_after_its_bookmark_is_gone(client, user):
    group = private_group(user)
    member = UserFactory()
    add_member(group=group, user=member)
    bookmark = BookmarkFactory(user=user)
    share_bookmark(bookmark=bookmark, group=group)
    snapshot = cached_snapshot(bookmark.page)
    bookmark.delete()  # the item stays in the group
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(member)
    assert client.get(cached_url(snapshot)).status_code == 200


def test_a_public_group_item_opens_the_copy_to_anyone(client, user):
    group = create_group(
        name="Open Table", slug="open-table", visibility=Group.Visibility.PUBLIC, created_by=user
    )
    bookmark = BookmarkFactory(user=user, is_private=True)
    share_bookmark(bookmark=bookmark, group=group)
    snapshot = cached_snapshot(bookmark.page)
    assert client.get(cached_url(snapshot)).status_code == 200


@pytest.mark.parametrize("status", [Snapshot.Status.PENDING, Snapshot.Status.FAILED])
def test_pending_and_failed_snapshots_have_no_copy(client, user, status):
    bookmark = BookmarkFactory(user=user)
    snapshot = cached_snapshot(bookmark.page, status=status)
    assert client.get(cached_url(snapshot)).status_code == 404
    client.force_login(user)
    assert client.get(cached_url(snapshot)).status_code == 404


def test_an_ok_snapshot_without_html_has_no_copy(client):
    snapshot = cached_snapshot(BookmarkFactory().page, body=None)
    assert client.get(cached_url(snapshot)).status_code == 404


def test_a_snapshot_of_a_page_nobody_bookmarked_is_404(client):
    snapshot = cached_snapshot(BookmarkFactory().page)
    Snapshot.objects.filter(pk=snapshot.pk).update(page=SnapshotFactory().page)
    assert client.get(cached_url(snapshot)).status_code == 404


def test_unknown_snapshot_is_404(client, db):
    assert client.get("/cached/987654/").status_code == 404


def test_a_file_missing_from_storage_is_404_and_logged(client, caplog):
    snapshot = cached_snapshot(BookmarkFactory().page)
    default_storage.delete(snapshot.html.name)
    assert client.get(cached_url(snapshot)).status_code == 404
    assert f"Snapshot {snapshot.pk}" in caplog.text


def test_the_copy_costs_one_query(client, django_assert_num_queries):
    snapshot = cached_snapshot(BookmarkFactory(is_private=True).page)
    with django_assert_num_queries(1):
        assert client.get(cached_url(snapshot)).status_code == 404
    BookmarkFactory(page=snapshot.page)
    with django_assert_num_queries(1):
        assert client.get(cached_url(snapshot)).status_code == 200
