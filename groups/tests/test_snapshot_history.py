"""A page may be snapshotted many times: its bookmark and item pages list
every copy with its date, the newest good one marked as the one shown."""

from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark, Snapshot
from bookmarks.selectors import SNAPSHOT_HISTORY_SIZE

DAY = datetime(2025, 1, 1, tzinfo=UTC)


def snapshot(page, status, *, day, error="", body=b""):
    row = Snapshot.objects.create(
        page=page,
        status=status,
        error=error,
        fetched_at=None if status == "pending" else DAY + timedelta(days=day),
    )
    if body:
        row.html.save(f"copy-{row.pk}.html", ContentFile(body), save=True)
    # created_at is auto_now_add: set the order explicitly, after the last save.
    Snapshot.objects.filter(pk=row.pk).update(created_at=DAY + timedelta(days=day))
    return row


def history(response):
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "lxml").find(
        "section", attrs={"aria-labelledby": "snapshots-heading"}
    )
    assert section is not None, "no list of cached copies"
    return [" ".join(li.get_text(" ").split()) for li in section.select("li")], section


def pages_of(b, item):
    bookmark = Bookmark.objects.get(page=item.page, user=b.owner)
    return [
        reverse("bookmarks:detail", args=[bookmark.pk]),
        reverse("groups:item", args=[b.group.slug, item.pk]),
    ]


def test_every_copy_is_listed_newest_first_and_the_newest_good_one_is_shown(client, build):
    b = build()
    item = b.item()
    old = snapshot(item.page, "ok", day=1, body=b"<p>first copy</p>")
    newer = snapshot(item.page, "ok", day=5, body=b"<p>second copy</p>")
    snapshot(item.page, "failed", day=9, error="The server answered 503.")
    snapshot(item.page, "pending", day=12)
    for url in pages_of(b, item):
        rows, section = history(client.get(url))
        assert rows == [
            "13 Jan 2025 00:00 Caching…",
            "10 Jan 2025 00:00 Failed: The server answered 503.",
            "6 Jan 2025 00:00 Shown",
            "2 Jan 2025 00:00",
        ]
        links = [a["href"] for a in section.select("a")]
        assert links == [
            reverse("bookmarks:cached", args=[newer.pk]),
            reverse("bookmarks:cached", args=[old.pk]),
        ]
    # An older copy still opens, sandboxed like the newest.
    response = client.get(reverse("bookmarks:cached", args=[old.pk]))
    assert response.status_code == 200 and b"first copy" in response.content
    assert "sandbox" in response.headers["Content-Security-Policy"]


def test_a_page_never_snapshotted_lists_nothing(client, build):
    b = build()
    item = b.item()
    for url in pages_of(b, item):
        assert b"snapshots-heading" not in client.get(url).content


def test_a_long_history_is_cut_and_says_so(client, build):
    b = build()
    item = b.item()
    for day in range(SNAPSHOT_HISTORY_SIZE + 3):
        snapshot(item.page, "failed", day=day, error=f"failure {day}")
    rows, section = history(client.get(pages_of(b, item)[1]))
    assert len(rows) == SNAPSHOT_HISTORY_SIZE
    assert rows[0].endswith(f"failure {SNAPSHOT_HISTORY_SIZE + 2}")
    assert f"Only the newest {SNAPSHOT_HISTORY_SIZE} are listed." in section.get_text(" ")


def test_the_history_costs_one_query_however_long(client, build):
    b = build()
    item = b.item()
    urls = pages_of(b, item)

    def queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    snapshot(item.page, "ok", day=0, body=b"<p>copy</p>")
    few = queries()
    for day in range(1, 15):
        snapshot(item.page, "ok", day=day, body=b"<p>copy %d</p>" % day)
    assert queries() == few


def test_a_private_groups_copies_stay_with_its_members(client, build):
    b = build(visibility="private", slug="hidden")
    item = b.item(is_private=True)
    copy = snapshot(item.page, "ok", day=1, body=b"<p>secret copy</p>")
    bookmark_url, item_url = pages_of(b, item)
    client.force_login(UserFactory())
    for url in (bookmark_url, item_url, reverse("bookmarks:cached", args=[copy.pk])):
        assert client.get(url).status_code == 404
    client.force_login(b.member)
    rows, _ = history(client.get(item_url))
    assert rows == ["2 Jan 2025 00:00 Shown"]


def test_a_copy_made_by_hand_without_a_fetch_date_still_has_a_dated_link(client, build):
    b = build()
    item = b.item()
    row = Snapshot.objects.create(page=item.page, status="ok")
    row.html.save("copy.html", ContentFile(b"<p>copy</p>"), save=True)
    rows, section = history(client.get(pages_of(b, item)[1]))
    link = section.select_one("a")
    assert link.get_text(strip=True) and link.time["datetime"]
