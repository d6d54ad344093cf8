"""Reading a Netscape bookmark file into validated records. Pure: no database.

The format is what browsers and bookmarking services export (Firefox,
Chromium, Pinboard, linkding, Diigo's HTML), and as loose as HTML gets: DT and
DD are never closed, attributes come in any case, folders are an ``<H3>``
followed by a nested ``<DL>``. What we read of each ``<A>``:

- ``HREF``; ``ADD_DATE`` and ``LAST_MODIFIED`` in Unix seconds (milliseconds
  and microseconds are recognised by their size); ``PRIVATE`` and ``TOREAD``
  (``1``/``0``); ``TAGS``, comma-separated, or space-separated in Diigo's
  export; the link text as title and the ``<DD>`` after it as description.
  Icons, separators, keywords and the like are ignored;
- the folders it is in, one tag per level, unless that is turned off. The
  browsers' own top folders (marked ``PERSONAL_TOOLBAR_FOLDER`` or
  ``UNFILED_BOOKMARKS_FOLDER``) are not tags.

A character a tag name cannot hold (a "," or "/" in a folder's name, a "/"
in a tag) becomes "_" (interchange.formats), and the record says so.

The file is read twice, both times as a stream of events (start tag, end
tag, text) from the standard library's ``html.parser`` fed a line at a time,
so memory stays flat however large the file: ``check_file`` reads it whole
first, refusing a hostile or absurd file before anything is written and
deciding the tag separator, which is decided per file; ``NetscapeReader``
then yields the records. Not lxml's parser target: libxml2 2.14's HTML push
parser keeps all the input it was fed until it is closed (measured: memory
grows by the file's size), which is the whole document again.

``html.parser`` never expands entities beyond HTML's own, but a file that
declares some is refused all the same: no bookmark file does, and entity
expansion ("billion laughs") is how such files attack XML readers.
"""

import codecs
import re
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _

from bookmarks.canonical import InvalidURL, canonical_url
from bookmarks.tagnames import InvalidTagName, clean_tag_name, fold

from .diigo import Record, Skipped
from .formats import FOLDER_FORBIDDEN, carry_tag_name
from .plaintext import without_controls

#: Larger files are refused: 100,000 bookmarks with icons take ~100 MB.
MAX_FILE_BYTES = 256 * 1024 * 1024
MAX_ENTRIES = 500_000
MAX_FOLDER_DEPTH = 64
MAX_TITLE_CHARS = 10_000
MAX_DESCRIPTION_CHARS = 200_000
MAX_TAGS = 200
#: Read at a time: a line, or this much of a longer one.
PIECE_BYTES = 64 * 1024
#: A tag, comment or declaration still open after this many characters is no
#: bookmark file's (an icon is a few kilobytes); the parser would hold it all.
MAX_PENDING_CHARS = 1024 * 1024
#: Report lists keep this many entries; the rest are counted.
MAX_LISTED = 200

COMMA, SPACE, AUTO = "comma", "space", "auto"
#: Tags that end a folder's name, even where its </H3> is missing.
_BLOCKS = ("a", "dd", "dl", "dt", "h3", "hr")
_ROOT_FOLDER_MARKS = ("personal_toolbar_folder", "unfiled_bookmarks_folder")
_ENTITY_DECLARATION = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
_LONE_SURROGATE = re.compile(r"[\udc80-\udcff]")
_YES, _NO = ("1", "true", "yes"), ("0", "false", "no")

Opener = Callable[[], AbstractContextManager[BinaryIO]]


class NetscapeFormatError(ValueError):
    """The file as a whole is refused; the message says why."""


@dataclass
class FileCheck:
    """What the first reading found out about the file."""

    entries: int = 0
    separator: str = COMMA
    #: "chosen", "diigo", "comma-found" (commas in TAGS) or "default": why.
    separator_reason: str = "default"
    invalid_bytes: int = 0
    first_invalid_line: int | None = None
    size: int = 0


@dataclass
class _Entry:
    line: int
    href: str
    attrs: dict[str, str]
    folders: tuple[str, ...]
    title: list[str] = field(default_factory=list)
    description: list[str] | None = None
    too_long: bool = False


class _Walker:
    """Turns start, end and data events into entries, whatever is left
    unclosed. The folder a link is in is the stack of open ``<DL>`` lists,
    each named by the ``<H3>`` before it."""

    def __init__(self, *, folder_name: Callable[[str, dict, int], str | None]):
        self.line = 1
        self.out: list[_Entry] = []
        self.document_title = ""
        self._folder_name = folder_name
        self._folders: list[str | None] = []
        self._pending_folder: str | None = None
        self._entry: _Entry | None = None
        self._text: list[str] | None = None
        self._text_size = 0
        self._limit = 0
        self._kind = ""
        self._folder_attrs: dict = {}

    def start(self, tag: str, attrib: dict) -> None:
        if self._kind == "folder" and tag in _BLOCKS:
            self._end_folder()  # the H3 was never closed
        if tag == "a":
            self._finish()
            href = attrib.get("href")
            if href is None:
                return
            keep = ("add_date", "last_modified", "tags", "private", "toread", "id")
            attrs = {name: attrib[name] for name in keep if name in attrib}
            folders = tuple(name for name in self._folders if name)
            self._entry = _Entry(self.line, href, attrs, folders)
            self._collect("title", self._entry.title, MAX_TITLE_CHARS)
            self._pending_folder = None
        elif tag == "dd":
            if self._kind == "title":
                self._stop()  # the link was never closed
            if self._entry is not None and self._kind == "" and self._entry.description is None:
                self._entry.description = []
                self._collect("description", self._entry.description, MAX_DESCRIPTION_CHARS)
            elif self._kind == "":
                self._collect("ignored", [], 0)  # a folder's description
        elif tag == "h3":
            self._finish()
            self._folder_attrs = dict(attrib)
            self._collect("folder", [], MAX_TITLE_CHARS)
        elif tag == "dl":
            self._finish()
            if len(self._folders) >= MAX_FOLDER_DEPTH:
                raise NetscapeFormatError(
                    _("Folders are nested more than %(depth)d deep (line %(line)d).")
                    % {"depth": MAX_FOLDER_DEPTH, "line": self.line}
                )
            self._folders.append(self._pending_folder)
            self._pending_folder = None
        elif tag in ("dt", "hr", "h1"):
            self._finish()
        elif tag == "title":
            self._collect("document-title", [], 200)
        elif tag == "br":
            self.data("\n" if self._kind == "description" else " ")
        elif tag == "p" and self._kind == "description":
            self.data("\n\n")

    def end(self, tag: str) -> None:
        if tag == "a" and self._kind == "title":
            self._stop()
        elif tag == "h3" and self._kind == "folder":
            self._end_folder()
        elif tag == "title" and self._kind == "document-title":
            self.document_title = "".join(self._text)
            self._stop()
        elif tag == "dl":
            self._finish()
            if self._folders:
                self._folders.pop()

    def data(self, text: str) -> None:
        if self._text is None:
            return
        if self._text_size + len(text) > self._limit:
            if self._entry is not None and self._kind in ("title", "description"):
                self._entry.too_long = True
            return
        self._text.append(text)
        self._text_size += len(text)

    def close(self) -> None:
        self._finish()

    def _end_folder(self) -> None:
        name = " ".join("".join(self._text).split())
        self._pending_folder = self._folder_name(name, self._folder_attrs, self.line)
        self._stop()

    def _collect(self, kind: str, into: list[str], limit: int) -> None:
        self._kind, self._text, self._text_size, self._limit = kind, into, 0, limit

    def _stop(self) -> None:
        self._kind, self._text = "", None

    def _finish(self) -> None:
        """The link being read is complete (its description ends here)."""
        if self._kind in ("description", "ignored", "title"):
            self._stop()
        if self._entry is not None:
            self.out.append(self._entry)
            self._entry = None


class _Events(HTMLParser):
    """html.parser's callbacks, passed on to the walker with their line."""

    def __init__(self, walker: _Walker):
        super().__init__(convert_charrefs=True)
        self.walker = walker

    def handle_starttag(self, tag, attrs):
        self.walker.line = self.getpos()[0]
        # A valueless attribute has None; the last of a repeated one wins.
        self.walker.start(tag, {name: value or "" for name, value in attrs})

    def handle_endtag(self, tag):
        self.walker.end(tag)

    def handle_data(self, data):
        self.walker.data(data)


def _walk(open_file: Opener, walker: _Walker, check: FileCheck) -> Iterator[list[_Entry]]:
    """Feed the file to the parser a line at a time (a long line in pieces),
    yielding the entries each piece completed. Invalid UTF-8 is replaced with
    U+FFFD and counted in ``check``; entity declarations and absurd sizes
    stop the reading with NetscapeFormatError."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")("surrogateescape")
    parser = _Events(walker)
    check.size = check.invalid_bytes = 0
    line, tail = 1, ""
    with open_file() as stream:
        first = True
        while piece := stream.readline(PIECE_BYTES):
            if first and piece.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                raise NetscapeFormatError(
                    _("The file is UTF-16 text; save it as UTF-8 and try again.")
                )
            first = False
            check.size += len(piece)
            if check.size > MAX_FILE_BYTES:
                raise NetscapeFormatError(
                    _("The file is larger than %(size)d MB.")
                    % {"size": MAX_FILE_BYTES // (1024 * 1024)}
                )
            text = _decoded(decoder.decode(piece), line, check)
            if _ENTITY_DECLARATION.search(tail + text):
                raise NetscapeFormatError(
                    _(
                        "The file declares entities (<!ENTITY …>, line %(line)d), as an "
                        "entity-expansion attack does; bookmark files never do, so it was refused."
                    )
                    % {"line": line}
                )
            tail = text[-16:]
            parser.feed(text)
            if len(parser.rawdata) > MAX_PENDING_CHARS:
                raise NetscapeFormatError(
                    _("A tag or comment on line %(line)d runs on for more than %(size)d KB.")
                    % {"line": parser.getpos()[0], "size": MAX_PENDING_CHARS // 1024}
                )
            yield _drain(walker)
            if piece.endswith(b"\n"):
                line += 1
        parser.feed(_decoded(decoder.decode(b"", final=True), line, check))
        parser.close()
        walker.close()
        yield _drain(walker)


def _decoded(text: str, line: int, check: FileCheck) -> str:
    text, bad = _LONE_SURROGATE.subn("\ufffd", text)
    if bad:
        check.invalid_bytes += bad
        check.first_invalid_line = check.first_invalid_line or line
    return text.replace("\x00", "")


def _drain(walker: _Walker) -> list[_Entry]:
    entries, walker.out = walker.out, []
    return entries


# --- First reading: check the file, decide the separator ---------------------


def check_file(open_file: Opener, *, separator: str = AUTO) -> FileCheck:
    """Read the whole file once; raise NetscapeFormatError if it is refused.

    The separator (``comma`` or ``space``), when not chosen, is decided for
    the file as a whole: space-separated in Diigo's export (which gives its
    links an ``ID`` and names itself in its title), comma-separated in every
    other. ``separator_reason`` says why, for the report."""
    check = FileCheck()
    walker = _Walker(folder_name=lambda name, attrs, line: None)
    has_comma = diigo = False
    for entries in _walk(open_file, walker, check):
        check.entries += len(entries)
        if check.entries > MAX_ENTRIES:
            raise NetscapeFormatError(
                _("The file has more than %(count)d bookmarks.") % {"count": MAX_ENTRIES}
            )
        for entry in entries:
            tags = entry.attrs.get("tags", "")
            has_comma = has_comma or "," in tags
            diigo = diigo or "id" in entry.attrs
    diigo = diigo or "diigo" in walker.document_title.lower()
    if separator in (COMMA, SPACE):
        check.separator, check.separator_reason = separator, "chosen"
    elif diigo:
        check.separator, check.separator_reason = SPACE, "diigo"
    elif has_comma:
        check.separator, check.separator_reason = COMMA, "comma-found"
    return check


# --- Second reading: the records ------------------------------------------


class NetscapeReader:
    """Iterate to get a Record or a Skipped per link, in file order. Folder
    names that had to change are listed in ``folder_renames`` as the
    iteration meets them."""

    def __init__(self, open_file: Opener, check: FileCheck, *, folders_as_tags: bool = True):
        self.open_file = open_file
        self.check = check
        self.folders_as_tags = folders_as_tags
        #: (line, folder name as written, tag saved), at most MAX_LISTED.
        self.folder_renames: list[tuple[int, str, str]] = []
        #: (line, folder name, why it cannot be a tag), at most MAX_LISTED.
        self.folders_dropped: list[tuple[int, str, str]] = []
        #: Links with no date at all: dated at the import.
        self.undated = 0
        #: Links the file marks private, and public (PRIVATE="1" / "0").
        self.marked_private = self.marked_public = 0
        self.now = timezone.now()

    def __iter__(self) -> Iterator[Record | Skipped]:
        walker = _Walker(folder_name=self._folder_tag)
        for entries in _walk(self.open_file, walker, FileCheck()):
            for entry in entries:
                yield self._record(entry)

    def _folder_tag(self, name: str, attrs: dict, line: int) -> str | None:
        if not self.folders_as_tags or any(
            attrs.get(mark, "").lower() == "true" for mark in _ROOT_FOLDER_MARKS
        ):
            return None
        carried = carry_tag_name(name, FOLDER_FORBIDDEN)
        try:
            tag = clean_tag_name(carried)
        except InvalidTagName as exc:
            if len(self.folders_dropped) < MAX_LISTED:
                self.folders_dropped.append((line, name[:120], str(exc)))
            return None
        if carried != name and len(self.folder_renames) < MAX_LISTED:
            self.folder_renames.append((line, name[:120], tag))
        return tag

    def _record(self, entry: _Entry) -> Record | Skipped:
        line = entry.line
        url = entry.href.strip()
        if entry.too_long:
            return Skipped(line, _("the title or description is too long"))
        try:
            canonical = canonical_url(url)
        except InvalidURL as exc:
            reason = _("the URL “%(url)s” cannot be saved: %(reason)s")
            return Skipped(line, reason % {"url": url[:200], "reason": exc})
        warnings: list[str] = []
        tags, renamed = self._tags(entry, warnings)
        if len(tags) > MAX_TAGS:
            return Skipped(line, _("more than %(count)d tags") % {"count": MAX_TAGS})
        added = self._date(entry.attrs.get("add_date", ""), "ADD_DATE", warnings)
        modified = self._date(entry.attrs.get("last_modified", ""), "LAST_MODIFIED", warnings)
        if added is None and modified is None:
            self.undated += 1
        description = "".join(entry.description or ())
        private = _flag(entry.attrs.get("private"))
        self.marked_private += private is True
        self.marked_public += private is False
        return Record(
            line=line,
            url=url,
            canonical=canonical,
            title=" ".join(without_controls("".join(entry.title)).split()),
            description=without_controls(description.replace("\r\n", "\n")).strip(),
            tags=tuple(tags),
            renamed_tags=tuple(renamed),
            notes=(),
            highlights=(),
            created_at=added or modified or self.now,
            is_private=private,
            to_read=_flag(entry.attrs.get("toread")),
            modified_at=modified or added,
            warnings=tuple(warnings),
        )

    def _tags(self, entry: _Entry, warnings: list[str]):
        """TAGS split by the file's separator, then the folders'."""
        raw = entry.attrs.get("tags", "")
        pieces = raw.split(",") if self.check.separator == COMMA else raw.split()
        # In a comma-separated list only "/" cannot be carried; in a
        # space-separated one, a comma cannot either.
        forbidden = "/" if self.check.separator == COMMA else FOLDER_FORBIDDEN
        names: dict[str, str] = {}
        renamed: list[tuple[str, str]] = []
        for piece in pieces:
            written = " ".join(piece.split())
            if not written:
                continue
            carried = carry_tag_name(written, forbidden)
            try:
                name = clean_tag_name(carried)
            except InvalidTagName as exc:
                warnings.append(
                    _("the tag “%(tag)s” was left out: %(reason)s")
                    % {"tag": written[:120], "reason": exc}
                )
                continue
            if carried != written:
                renamed.append((written, name))
            names.setdefault(fold(name), name)
        for name in entry.folders:
            names.setdefault(fold(name), name)
        return list(names.values()), renamed

    def _date(self, value: str, attribute: str, warnings: list[str]) -> datetime | None:
        text = value.strip()
        if not text:
            return None
        moment = parse_timestamp(text, now=self.now)
        if moment is None:
            warnings.append(
                _("%(attribute)s=“%(value)s” is not a date; it was left out")
                % {"attribute": attribute, "value": text[:40]}
            )
        return moment


def parse_timestamp(text: str, *, now: datetime) -> datetime | None:
    """Unix time in seconds, or in milliseconds or microseconds (told apart by
    size); None for anything else, before 1970 or more than a day ahead."""
    if not text.isascii() or not text.isdigit() or len(text) > 20:
        return None
    value = int(text)
    if value > 10**14:
        value //= 10**6
    elif value > 10**11:
        value //= 10**3
    if value <= 0:
        return None
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return moment if moment <= now + timedelta(days=1) else None


def _flag(value: str | None) -> bool | None:
    text = (value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None
