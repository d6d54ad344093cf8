"""Round trips: our export into our import loses nothing; a Firefox or a
Chromium file, imported and exported again, keeps all its format carries."""

import io
import re
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark
from bookmarks.services import save_bookmark
from interchange.diigo import Record
from interchange.netscape import NetscapeReader, check_file

from .samples import DATA, write

pytestmark = pytest.mark.django_db

#: Text that a careless reader or writer would change: markup, entities,
#: formula starts, marker and bullet lines, backslashes, CRLF, CJK.
TRICKY_NOTE = (
    "- not a bullet\r\nHighlight: not a passage\n  Sticky notes: nor a note\n"
    "\\ a backslash\n* star\n\n<b>bold</b> &amp; so on"
)


def export(client, owner, name: str) -> str:
    client.force_login(owner)
    response = client.get(reverse(name))
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode()


def import_text(tmp_path, owner, text: str, suffix: str) -> str:
    path = write(tmp_path / f"export.{suffix}", text)
    out = io.StringIO()
    call_command(
        "import_bookmarks", str(path), user=owner.username, stdout=out, stderr=io.StringIO()
    )
    return out.getvalue()


def library(owner, *, annotations: bool = True) -> dict[str, dict]:
    """Everything a bookmark holds, by URL; times to the second (what both formats keep)."""
    found = {}
    for bookmark in Bookmark.objects.filter(user=owner).prefetch_related("tags"):
        entry = {
            "title": bookmark.title,
            "description": bookmark.description,
            "tags": sorted(tag.name for tag in bookmark.tags.all()),
            "created_at": bookmark.created_at.replace(microsecond=0),
            "updated_at": bookmark.updated_at.replace(microsecond=0),
            "is_private": bookmark.is_private,
            "to_read": bookmark.to_read,
        }
        if annotations:
            entry["notes"] = list(
                bookmark.notes.filter(highlight=None).order_by("id").values_list("text", flat=True)
            )
            entry["highlights"] = [
                (h.quote, h.colour, [n.text for n in h.notes.order_by("id")])
                for h in bookmark.highlights.order_by("ordinal", "id")
            ]
        found[bookmark.url] = entry
    return found


@pytest.fixture
def rich_library(user):
    first, _ = save_bookmark(
        user=user,
        url="https://example.org/文章?q=1&r=2#part",
        title='=HYPERLINK("https://evil.example")\tand <i>tags</i>',
        description="+ plus first\r\nthen @mention and -minus\n\n\\ backslash &lt; literal",
        tag_names=["no_tag", 'say "hi"', "架構", "multi word"],
        is_private=True,
        to_read=True,
        created_at=datetime(2020, 2, 29, 23, 59, 58, tzinfo=UTC),
    )
    passage = add_highlight(
        bookmark=first, quote="Highlight: inside a passage\n- and a dash", colour="pink"
    )
    add_note(bookmark=first, highlight=passage, text=TRICKY_NOTE)
    add_note(bookmark=first, highlight=passage, text="second note on it")
    add_highlight(bookmark=first, quote="  spaced  passage  ", colour="blue")
    add_note(bookmark=first, text=TRICKY_NOTE)
    add_note(bookmark=first, text="'=already quoted")
    second, _ = save_bookmark(user=user, url="http://example.com/plain", title="", is_private=False)
    add_highlight(bookmark=second, quote="@first word")
    return user


def test_our_csv_back_into_another_library_loses_nothing(client, tmp_path, rich_library):
    text = export(client, rich_library, "export:library_csv")
    other = UserFactory()
    out = import_text(tmp_path, other, text, "csv")
    assert "Bookmarks: 2 created" in out and "Skipped rows: 0" in out
    assert library(other) == library(rich_library)


def test_our_csv_back_into_the_same_library_changes_nothing(client, tmp_path, rich_library):
    before = library(rich_library)
    out = import_text(
        tmp_path, rich_library, export(client, rich_library, "export:library_csv"), "csv"
    )
    assert "Bookmarks: 0 created, 0 updated, 2 unchanged" in out
    assert library(rich_library) == before


def test_our_bookmark_file_back_into_another_library(client, tmp_path, rich_library):
    """The HTML file carries all but the annotations; titles are one line."""
    text = export(client, rich_library, "export:library_html")
    other = UserFactory()
    out = import_text(tmp_path, other, text, "html")
    assert "Bookmarks: 2 created" in out
    expected = library(rich_library, annotations=False)
    for entry in expected.values():
        entry["title"] = " ".join(entry["title"].split())
        entry["description"] = entry["description"].replace("\r\n", "\n")
    assert library(other, annotations=False) == expected


def records_of(text: bytes, **options) -> list[tuple]:
    """What our reader takes from a file: everything but the line numbers."""
    open_file = lambda: io.BytesIO(text)  # noqa: E731
    reader = NetscapeReader(open_file, check_file(open_file), **options)
    return sorted(
        (r.url, r.title, r.description, tuple(sorted(r.tags)), r.created_at, r.modified_at)
        for r in reader
        if isinstance(r, Record)
    )


@pytest.mark.parametrize("sample", ["firefox", "chromium"])
def test_browser_file_through_import_and_export(client, tmp_path, user, sample):
    original = (DATA / f"{sample}.html").read_bytes()
    import_text(tmp_path, user, original.decode(), "html")
    exported = export(client, user, "export:library_html")

    # Our file reads back as the browser's did: the folders are tags now.
    assert records_of(exported.encode(), folders_as_tags=False) == records_of(original)
    # And as a browser reads it: Chromium's importer goes line by line.
    links = [line for line in exported.splitlines() if "<DT>" in line]
    assert len(links) == len(records_of(original))
    for line in links:
        assert re.fullmatch(r'    <DT><A HREF="[^"]+"( [A-Z_]+="[^"]*")+>[^<\n]*</A>', line), line
