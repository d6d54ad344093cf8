"""manage.py import_bookmarks with Netscape bookmark files, end to end."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from bookmarks.models import Bookmark, Page, Tag
from bookmarks.services import save_bookmark
from groups.models import GroupItem
from groups.tests.factories import GroupFactory, MembershipFactory

from .samples import DATA, write

pytestmark = pytest.mark.django_db


def run(path, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_bookmarks", str(path), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def tags_of(bookmark) -> list[str]:
    return sorted(tag.name for tag in bookmark.tags.all())


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_firefox_file(user):
    out, err = run(DATA / "firefox.html", user=user.username)

    assert "Format: Netscape bookmark file (HTML)" in out
    assert "read as separated by commas: the file's tags have commas" in out
    assert "Folders became tags, one tag per folder level." in out
    assert "Bookmarks: 7 created, 0 updated, 0 unchanged" in out
    assert "line 18: the folder “Later/Soon” saved as the tag “Later_Soon”" in out
    assert "line 31: the folder “Tools, misc” saved as the tag “Tools_ misc”" in out
    assert "Skipped rows: 2" in out and "  line 28: " in out and "  line 30: " in out
    assert "Highlights added" not in out
    assert "9 bookmarks in the file." in err

    compost = Bookmark.objects.get(user=user, url="https://garden.example.org/compost/starting")
    assert compost.title == "Starting a compost heap & keeping it warm"
    assert compost.description.startswith("Layers of green and brown")
    assert tags_of(compost) == ["compost", "garden"]
    assert compost.created_at == at(1609502400)
    assert compost.updated_at == at(1609588800)  # LAST_MODIFIED, kept
    assert compost.is_private and not compost.to_read  # the file says nothing: private
    walking = Bookmark.objects.get(user=user, page__url="https://essays.example.com/on-walking")
    assert tags_of(walking) == ["Later_Soon", "Reading"]
    assert not Page.objects.filter(url__startswith="place:").exists()


def test_pinboard_file_keeps_private_and_to_read(user):
    out, _ = run(DATA / "pinboard.html", user=user.username)
    assert "The file marks 2 bookmarks public and 2 private (PRIVATE)" in out
    flags = dict(Bookmark.objects.values_list("page__url", "is_private"))
    assert flags == {
        "https://blog.example.com/2019/caching-layers": False,
        "https://papers.example.edu/consensus.pdf": True,
        "https://podcast.example.fm/episodes/88": False,
        "https://snippets.example.dev/shell/rsync": True,
    }
    to_read = set(Bookmark.objects.filter(to_read=True).values_list("page__url", flat=True))
    assert to_read == {
        "https://papers.example.edu/consensus.pdf",
        "https://podcast.example.fm/episodes/88",
    }
    assert Tag.objects.filter(name="distributed systems").exists()


def test_diigo_html_file(user):
    out, _ = run(DATA / "diigo.html", user=user.username)
    assert "read as separated by spaces: the file is a Diigo export" in out
    assert "3 bookmarks have no date in the file; they are dated at the import." in out
    assert "line 10: “queues/theory” saved as “queues_theory”" in out
    bookmark = Bookmark.objects.get(page__url="https://architecture.example.com/event-sourcing")
    assert tags_of(bookmark) == ["architecture", "event-sourcing", "架構"]
    assert timezone.now() - bookmark.created_at < timedelta(minutes=1)


def test_options_folders_and_separator(user, tmp_path):
    run(DATA / "chromium.html", user=user.username, folder_tags=False)
    assert not Tag.objects.exists()
    path = write(tmp_path / "s.html", '<DL><DT><A HREF="https://a.example/" TAGS="x y">A</A></DL>')
    out, _ = run(path, user=user.username, tag_separator="space")
    assert "separated by spaces, as you chose" in out
    assert tags_of(Bookmark.objects.get(page__url="https://a.example/")) == ["x", "y"]


def test_running_twice_changes_nothing(user):
    run(DATA / "firefox.html", user=user.username)
    before = list(Bookmark.objects.order_by("pk").values())
    out, _ = run(DATA / "firefox.html", user=user.username)
    assert "Bookmarks: 0 created, 0 updated, 7 unchanged" in out
    assert list(Bookmark.objects.order_by("pk").values()) == before


def entry(title: str, *, modified: int, private: str | None = None, extra: str = "") -> str:
    flag = f' PRIVATE="{private}"' if private is not None else ""
    return (
        f'<DL><DT><A HREF="https://a.example/page" ADD_DATE="1500000000" '
        f'LAST_MODIFIED="{modified}"{flag} TAGS="new"{extra}>{title}</A>\n<DD>From the file\n</DL>'
    )


def test_reimport_newer_data_wins_only_where_the_file_has_it(user, tmp_path):
    bookmark, _ = save_bookmark(
        user=user,
        url="https://a.example/page",
        title="Mine",
        description="My words",
        tag_names=["kept"],
        is_private=False,
    )
    Bookmark.objects.filter(pk=bookmark.pk).update(updated_at=at(1600000000))

    # Older than the bookmark's last change: only tags are added.
    out, _ = run(
        write(tmp_path / "old.html", entry("Old", modified=1590000000, private="1")),
        user=user.username,
    )
    assert "0 created, 1 updated" in out
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.description, bookmark.is_private) == (
        "Mine",
        "My words",
        False,
    )
    assert tags_of(bookmark) == ["kept", "new"]

    # Newer: its title, description and flag win; the tags stay a union.
    run(
        write(tmp_path / "new.html", entry("Newer", modified=1700000000, private="1")),
        user=user.username,
    )
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.description, bookmark.is_private) == (
        "Newer",
        "From the file",
        True,
    )
    assert bookmark.updated_at == at(1700000000)
    assert tags_of(bookmark) == ["kept", "new"]

    # Newer still, but the file has no title and no flag: those stay.
    text = entry("", modified=1710000000).replace("<DD>From the file\n", "")
    run(write(tmp_path / "bare.html", text), user=user.username)
    bookmark.refresh_from_db()
    assert (bookmark.title, bookmark.description, bookmark.is_private) == (
        "Newer",
        "From the file",
        True,
    )


def test_group_share(user):
    group = GroupFactory()
    MembershipFactory(group=group, user=user)
    out, _ = run(DATA / "linkding.html", user=user.username, group=group.slug)
    assert f"Shared into group “{group.slug}”: 3" in out
    assert GroupItem.objects.filter(group=group).count() == 3
