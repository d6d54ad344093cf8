"""Files meant to hurt: each is refused with a clear message and nothing
written, or read safely and reported."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bookmarks.models import Bookmark, Page, Tag
from interchange import netscape

from .samples import write

pytestmark = pytest.mark.django_db

HEAD = "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<TITLE>Bookmarks</TITLE>\n<DL><p>\n"


def run(path, **options) -> str:
    out = io.StringIO()
    call_command("import_bookmarks", str(path), stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def links(count: int, *, start: int = 0) -> str:
    return "".join(
        f'<DT><A HREF="https://example.net/{n}" ADD_DATE="1600000000">Page {n}</A>\n'
        for n in range(start, start + count)
    )


def refused(path, user, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(path, user=user.username)
    assert not Bookmark.objects.exists() and not Page.objects.exists() and not Tag.objects.exists()


def test_entity_expansion_is_refused(user, tmp_path):
    laughs = "".join(
        f'<!ENTITY lol{n} "{"".join(f"&lol{n - 1};" for _ in range(10))}">' for n in range(1, 10)
    )
    text = (
        f'<!DOCTYPE NETSCAPE-Bookmark-file-1 [<!ENTITY lol0 "lol">{laughs}]>\n'
        f'<DL><p>\n<DT><A HREF="https://example.net/">&lol9;</A>\n</DL>'
    )
    refused(
        write(tmp_path / "laughs.html", text), user, r"declares entities \(<!ENTITY …>, line 1\)"
    )


def test_an_entity_declared_late_in_the_file_is_refused_before_anything_is_written(user, tmp_path):
    text = HEAD + links(50) + '<!ENTITY x "y">\n' + links(5, start=50) + "</DL>"
    refused(write(tmp_path / "late.html", text), user, "line 54")


def test_external_references_are_not_followed(user, tmp_path):
    text = (
        '<!DOCTYPE html SYSTEM "file:///etc/passwd">\n<DL><p>\n'
        '<DT><A HREF="https://example.net/">&passwd;<!--#include file="/etc/passwd"--></A>\n</DL>'
    )
    run(write(tmp_path / "external.html", text), user=user.username)
    assert Bookmark.objects.get().title == "&passwd;"


def test_invalid_utf8_is_replaced_and_reported(user, tmp_path):
    text = (HEAD + links(3)).encode()
    text += b'<DT><A HREF="https://example.net/latin">Caf' + b"\xe9 cr\xe8me</A>\n"
    text += links(1, start=9).encode() + b"</DL>\n"
    out = run(write(tmp_path / "latin1.html", text), user=user.username)
    assert "not valid UTF-8: 2 bytes could not be read and became “�”, the first on line 7" in out
    assert "Bookmarks: 5 created" in out
    assert Bookmark.objects.get(url="https://example.net/latin").title == "Caf� cr�me"


def test_utf16_is_refused(user, tmp_path):
    path = write(tmp_path / "utf16.html", (HEAD + links(2)).encode("utf-16"))
    refused(path, user, "UTF-16")


def test_absurd_size_is_refused(user, tmp_path, monkeypatch):
    monkeypatch.setattr(netscape, "MAX_FILE_BYTES", 2000)
    refused(write(tmp_path / "big.html", HEAD + links(40)), user, "larger than 0 MB")


def test_too_many_bookmarks_is_refused(user, tmp_path, monkeypatch):
    monkeypatch.setattr(netscape, "MAX_ENTRIES", 10)
    refused(write(tmp_path / "many.html", HEAD + links(11)), user, "more than 10 bookmarks")


def test_folders_nested_absurdly_deep_are_refused(user, tmp_path):
    depth = netscape.MAX_FOLDER_DEPTH + 1
    text = HEAD + "".join(f"<DT><H3>f{n}</H3>\n<DL><p>\n" for n in range(depth)) + links(1)
    refused(write(tmp_path / "deep.html", text), user, "nested more than 64 deep")


def test_giant_title_and_one_line_file(user, tmp_path):
    """A 20 MB title is skipped, not kept; a file on one line is read in
    pieces and still imported."""
    giant = "x" * (20 * 1024 * 1024)
    text = (
        HEAD + f'<DT><A HREF="https://example.net/giant">{giant}</A>' + links(3).replace("\n", "")
    )
    out = run(write(tmp_path / "giant.html", text), user=user.username)
    assert "line 4: the title or description is too long" in out
    assert "Bookmarks: 3 created" in out


def test_nul_bytes_and_controls_are_no_text(user, tmp_path):
    text = HEAD + '<DT><A HREF="https://example.net/">A\x00B\x07C</A>\n<DD>d\x1be\n</DL>'
    run(write(tmp_path / "nul.html", text), user=user.username)
    bookmark = Bookmark.objects.get()
    assert (bookmark.title, bookmark.description) == ("ABC", "de")


def test_a_file_that_is_no_bookmark_file(user, tmp_path):
    refused(write(tmp_path / "x.bin", b"\x89PNG\r\n\x1a\n" + bytes(range(256))), user, "not UTF-8")


@pytest.mark.parametrize(
    "opening",
    ['<DT><A HREF="https://example.net/x" ICON="data:image/png;base64,', "<!-- a comment "],
)
def test_a_tag_or_comment_that_never_ends_is_refused(user, tmp_path, opening):
    text = HEAD + links(2) + opening + "A" * (2 * 1024 * 1024) + "\n" + links(2, start=5)
    refused(write(tmp_path / "open.html", text), user, "line 6 runs on for more than 1024 KB")
