"""Reading a Diigo CSV export into validated records. Pure: no database.

The header is ``title,url,tags,description,comments,annotations,created_at``:

- tags: comma-separated, multi-word ones quoted; ``no_tag`` means none; a "/"
  in a name becomes "_" (reported), any other invalid name skips the row;
- comments: Diigo puts one comment a line, so each non-empty line is a note
  on the bookmark as a whole;
- annotations: ``Highlight:`` and ``Sticky notes:`` blocks (parse_annotations);
- created_at: ``YYYY-MM-DD HH:MM:SS`` in UTC, for the bookmark, its
  highlights and notes alike.

Markup in any text becomes plain text. A file with Commonplace's extra
columns (interchange.exact_csv) is our own export and is read exactly
instead. In every file, a cell escaped against spreadsheet formulas
(interchange.formats) is read back unescaped. Every row is validated here, fully,
so the writer never meets a half-valid row; a row that cannot be used becomes
a ``Skipped`` with the physical line it starts on and the reason.
"""

import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

from django.utils.translation import gettext as _

from annotations.models import Highlight
from bookmarks.canonical import InvalidURL, canonical_url
from bookmarks.tagnames import InvalidTagName, clean_tag_name, fold

from . import exact_csv
from .formats import carry_tag_name, unescape_formula
from .plaintext import NEWLINE as _NEWLINE
from .plaintext import plain_text, without_controls

COLUMNS = ("title", "url", "tags", "description", "comments", "annotations", "created_at")
#: Without these a row means nothing; the other columns may be left out.
REQUIRED_COLUMNS = ("title", "url", "tags", "created_at")
#: csv's default cap is 131,072 characters, which a long highlight list passes;
#: beyond 10 MiB a cell is garbage (or a runaway quote), not a bookmark.
MAX_FIELD_CHARS = 10 * 1024 * 1024
NO_TAG = "no_tag"

_DATE = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})"
    r"(?:\s*(?:UTC|GMT|Z|([+-])(\d{2}):?(\d{2})))?",
    re.IGNORECASE,
)
# "Highlight:" / "Sticky notes:" lines, perhaps bulleted ("* ", "- ").
_MARKER = re.compile(r"\s*(?:[-*•]\s*)?(highlights?|sticky\s*notes?)\s*:\s*(.*)", re.IGNORECASE)
_BULLET = re.compile(r"\s*[-*•]\s+(.*)")
# A line holding a URL field and a timestamp: a CSV record, swallowed by a
# quote left open on an earlier line.
_RECORD_LIKE = re.compile(
    r"\n[^\n]*,\s*\"?[a-z]+://[^\n]*\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}:\d{2}",
    re.IGNORECASE,
)


class DiigoFormatError(ValueError):
    """The file as a whole cannot be read: wrong encoding, no usable header."""


@dataclass(frozen=True, slots=True)
class HighlightEntry:
    quote: str
    notes: tuple[str, ...] = ()
    #: One of annotations.Highlight.Colour, or "" for the default.
    colour: str = ""


@dataclass(frozen=True, slots=True)
class Record:
    """One valid row of the export."""

    line: int
    url: str
    canonical: str
    title: str
    description: str
    tags: tuple[str, ...]
    #: (as written, as saved) for tag names that had a "/" in them.
    renamed_tags: tuple[tuple[str, str], ...]
    #: Notes on the bookmark as a whole: its comments, then annotation notes
    #: that belong to no highlight.
    notes: tuple[str, ...]
    highlights: tuple[HighlightEntry, ...]
    created_at: datetime
    # What a format may or may not carry: None where the file says nothing.
    is_private: bool | None = None
    to_read: bool | None = None
    #: When the entry last changed, as the file says; None when it does not.
    #: Re-importing, the file's values win only where they are newer.
    modified_at: datetime | None = None
    #: Things about this row the report should mention (a tag dropped, …).
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str


class RowError(ValueError):
    """This row cannot be imported; the message says why."""


def decode_export(data: bytes) -> str:
    """The file's text: UTF-8, with or without a BOM. Anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DiigoFormatError(_("The file is UTF-16 text; save it as UTF-8 and try again."))
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise DiigoFormatError(
            _(
                "The file is not UTF-8 text (an invalid byte on line %(line)d). "
                "Convert it first, e.g. iconv -f GBK -t UTF-8 FILE > FILE.utf8.csv"
            )
            % {"line": line}
        ) from None
    # NUL is never text, and Python 3.11's csv refuses whole lines over it.
    return text.replace("\x00", "")


def parse_export(
    text: str, *, max_field_chars: int = MAX_FIELD_CHARS
) -> Iterator[Record | Skipped]:
    """Records and skipped rows, in file order. Raises DiigoFormatError at once
    (before the first row is read) when the header is unusable."""
    # Split on CR, LF and CRLF only (str.splitlines would also split on U+2028
    # and friends, which are text inside a field), keeping the endings for csv.
    lines = io.StringIO(text, newline="").readlines()
    columns, width, first_row = _read_header(lines)
    return _rows(
        lines, columns=columns, width=width, start=first_row, max_field_chars=max_field_chars
    )


def _read_header(lines: list[str]) -> tuple[dict[str, int], int, int]:
    """Column positions by name, the number of columns, and the first row's index."""
    reader = csv.reader(lines, strict=True)
    try:
        with _field_limit(MAX_FIELD_CHARS):
            header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    except csv.Error as exc:
        raise DiigoFormatError(
            _("The header line cannot be read as CSV: %(error)s") % {"error": exc}
        ) from None
    if header is None:
        raise DiigoFormatError(_("The file is empty."))
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(re.sub(r"[\s-]+", "_", name.strip().lower()), index)
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise DiigoFormatError(
            _("The header lacks the columns %(missing)s; a Diigo export starts with: %(header)s")
            % {"missing": ", ".join(missing), "header": ",".join(COLUMNS)}
        )
    return columns, len(header), reader.line_num


@contextmanager
def _field_limit(limit: int):
    # The limit is process-wide: raise it only while our reader parses.
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _rows(
    lines: list[str], *, columns: dict[str, int], width: int, start: int, max_field_chars: int
) -> Iterator[Record | Skipped]:
    """A Record or a Skipped per CSV record. After a quote left open, reading
    starts again on the line after the one it opened on: no row is lost to it."""
    pos = start
    while pos < len(lines):
        # strict: the lenient mode hands back a runaway quote as one giant,
        # silent field; the strict one says where parsing went wrong.
        reader = csv.reader(islice(lines, pos, None), strict=True)
        while True:
            first = pos + reader.line_num  # index of the record's first line
            try:
                with _field_limit(max_field_chars):
                    fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                stopped = pos + reader.line_num
                pos, reason = _recover(
                    lines, first=first, stopped=stopped, error=exc, limit=max_field_chars
                )
                yield Skipped(first + 1, reason)
                break
            if not any(cell.strip() for cell in fields):
                continue  # a blank line is no row
            if pos + reader.line_num - first > 1 and _looks_swallowed(fields, width=width):
                yield Skipped(first + 1, _unclosed_quote(first + 1))
                pos = first + 1
                break
            try:
                yield _read_row(fields, line=first + 1, columns=columns, width=width)
            except RowError as exc:
                yield Skipped(first + 1, str(exc))


def _recover(
    lines: list[str], *, first: int, stopped: int, error: csv.Error, limit: int
) -> tuple[int, str]:
    """Where to read on after a csv error, and why the row was skipped."""
    if "field larger than field limit" in str(error):
        reader = csv.reader(islice(lines, first, None), strict=True)
        try:  # a real giant field, or a runaway quote? Read it without a cap.
            with _field_limit(sys.maxsize):
                next(reader)
        except (csv.Error, StopIteration):
            pass
        else:
            reason = _("a field is longer than %(limit)d characters") % {"limit": limit}
            return first + reader.line_num, reason
    elif stopped - first <= 1 and str(error) != "unexpected end of data":
        return stopped, _("the line cannot be read as CSV: %(error)s") % {"error": error}
    return first + 1, _unclosed_quote(first + 1)


def _unclosed_quote(line: int) -> str:
    return _("unclosed quote starting at line %(line)d; reading went on at the next line") % {
        "line": line
    }


def _looks_swallowed(fields: list[str], *, width: int) -> bool:
    """A record over several lines with the wrong width, or with what looks like
    further records inside a field, is a quote left open."""
    return _wrong_width(fields, width=width) or any(
        "\n" in cell and _RECORD_LIKE.search(cell) for cell in fields
    )


def _wrong_width(fields: list[str], *, width: int) -> bool:
    # Trailing empty cells (a stray comma at the end of a line) do no harm.
    return len(fields) < width or any(cell.strip() for cell in fields[width:])


def _read_row(fields: list[str], *, line: int, columns: dict[str, int], width: int) -> Record:
    if _wrong_width(fields, width=width):
        raise RowError(
            _("expected %(expected)d columns, found %(found)d")
            % {"expected": width, "found": len(fields)}
        )

    def cell(name: str) -> str:
        return unescape_formula(fields[columns[name]]) if name in columns else ""

    url = cell("url").strip()
    if not url:
        raise RowError(_("the row has no URL"))
    try:
        canonical = canonical_url(url)
    except InvalidURL as exc:
        raise RowError(
            _("the URL “%(url)s” cannot be saved: %(reason)s") % {"url": url[:200], "reason": exc}
        ) from None
    created_at = parse_date(cell("created_at"))
    if all(name in columns for name in exact_csv.EXTRA_COLUMNS):
        return _exact_record(cell, line=line, url=url, canonical=canonical, created_at=created_at)
    tags, renamed = parse_tags(cell("tags"))
    highlights, loose_notes = parse_annotations(cell("annotations"))
    comments = [
        text
        for raw in _NEWLINE.split(plain_text(cell("comments")))
        if (text := _unbullet(raw).strip())
    ]
    return Record(
        line=line,
        url=url,
        canonical=canonical,
        title=" ".join(plain_text(cell("title")).split()),
        description=plain_text(cell("description")),
        tags=tuple(tags),
        renamed_tags=tuple(renamed),
        notes=tuple(dict.fromkeys(comments + loose_notes)),
        highlights=tuple(highlights),
        created_at=created_at,
    )


def _exact_record(cell, *, line: int, url: str, canonical: str, created_at: datetime) -> Record:
    """A row of our own export, taken as written (interchange.exact_csv)."""
    tags, renamed = parse_tags(cell("tags"), no_tag=False)
    passages, loose_notes = exact_csv.read_annotations_cell(without_controls(cell("annotations")))
    colours = cell("highlight_colours").split()
    highlights: dict[str, HighlightEntry] = {}
    for index, (quote, notes) in enumerate(passages):
        if not quote.strip():
            loose_notes.extend(notes)
            continue
        colour = (
            colours[index]
            if index < len(colours) and colours[index] in Highlight.Colour.values
            else ""
        )
        known = highlights.get(quote)
        merged = (known.notes if known else ()) + tuple(notes)
        highlights[quote] = HighlightEntry(
            quote,
            tuple(dict.fromkeys(n for n in merged if n.strip())),
            known.colour if known else colour,
        )
    updated = cell("updated_at").strip()
    return Record(
        line=line,
        url=url,
        canonical=canonical,
        title=without_controls(cell("title")),
        description=without_controls(cell("description")),
        tags=tuple(tags),
        renamed_tags=tuple(renamed),
        notes=tuple(dict.fromkeys(n for n in loose_notes if n.strip())),
        highlights=tuple(highlights.values()),
        created_at=created_at,
        is_private=exact_csv.read_flag(cell("private")),
        to_read=exact_csv.read_flag(cell("to_read")),
        modified_at=parse_date(updated) if updated else None,
    )


def parse_date(value: str) -> datetime:
    """``YYYY-MM-DD HH:MM:SS`` in UTC (a trailing ``UTC`` or ``+0000`` is allowed)."""
    text = value.strip()
    if not text:
        raise RowError(_("the row has no date"))
    match = _DATE.fullmatch(text)
    try:
        if not match:
            raise ValueError(text)
        year, month, day, hour, minute, second, sign, off_h, off_m = match.groups()
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=UTC
        )
        if sign:
            offset = timedelta(hours=int(off_h), minutes=int(off_m))
            moment -= offset if sign == "+" else -offset
    except (ValueError, OverflowError):
        raise RowError(
            _("the date “%(date)s” is not YYYY-MM-DD HH:MM:SS") % {"date": text[:100]}
        ) from None
    return moment


def parse_tags(value: str, *, no_tag: bool = True) -> tuple[list[str], list[tuple[str, str]]]:
    """Tag names from a cell like ``architecture,"micro services",架构``.

    ``no_tag`` is no tag (unless ``no_tag`` is False: our own export writes
    an empty cell instead); a "/" becomes "_" (the pair is returned so the
    summary can say so); any other invalid name refuses the row."""
    text = re.sub(r"[\r\n]+", ",", value).strip()
    if not text:
        return [], []
    try:
        raw_names = next(csv.reader([text], skipinitialspace=True), [])
    except csv.Error:  # a tags cell longer than csv's default field cap
        raw_names = text.split(",")
    names: dict[str, str] = {}
    renamed: list[tuple[str, str]] = []
    for raw in raw_names:
        name = raw.strip()
        if not name or (no_tag and fold(name) == NO_TAG):
            continue
        if "/" in name:
            renamed.append((name, carry_tag_name(name, "/")))
            name = carry_tag_name(name, "/")
        try:
            name = clean_tag_name(name)
        except InvalidTagName as exc:
            raise RowError(
                _("the tag “%(tag)s” is not valid: %(reason)s") % {"tag": name[:120], "reason": exc}
            ) from None
        names.setdefault(fold(name), name)
    return list(names.values()), renamed


def parse_annotations(value: str) -> tuple[list[HighlightEntry], list[str]]:
    """Highlights in file order, each with its sticky notes, and the notes that
    belong to no highlight.

    A ``Highlight:`` line starts a passage and a ``Sticky notes:`` line starts
    a note; either runs on over the following lines until the next marker.
    Under ``Sticky notes:`` each bulleted line (``- ``, ``* ``) is a note of
    its own. Text before the first marker, and notes under an empty highlight,
    are kept as notes on the whole bookmark: nothing is lost, no quote invented.
    """
    loose: list[list[str]] = []
    preamble: list[str] = []
    blocks: list[tuple[list[str], list[list[str]]]] = []
    current: list[str] = preamble
    notes: list[list[str]] | None = None  # the note list being filled, if any
    for line in _NEWLINE.split(value):
        marker = _MARKER.fullmatch(line)
        if marker:
            kind, rest = marker.group(1).lower(), marker.group(2)
            if kind.startswith("highlight"):
                current, notes = [rest], None
                blocks.append((current, []))
            else:
                notes = blocks[-1][1] if blocks else loose
                current = [rest]
                notes.append(current)
            continue
        bullet = _BULLET.fullmatch(line) if notes is not None else None
        if bullet:
            current = [bullet.group(1)]
            notes.append(current)
        else:
            current.append(line)

    page_notes = _texts([preamble, *loose])
    merged: dict[str, list[str]] = {}
    for quote_lines, note_lines in blocks:
        quote, texts = plain_text("\n".join(quote_lines)), _texts(note_lines)
        if quote:
            merged.setdefault(quote, []).extend(texts)
        else:
            page_notes.extend(texts)
    highlights = [
        HighlightEntry(quote=quote, notes=tuple(dict.fromkeys(texts)))
        for quote, texts in merged.items()
    ]
    return highlights, list(dict.fromkeys(page_notes))


def _texts(chunks: list[list[str]]) -> list[str]:
    return [text for chunk in chunks if (text := plain_text("\n".join(chunk)))]


def _unbullet(line: str) -> str:
    bullet = _BULLET.fullmatch(line)
    return bullet.group(1) if bullet else line
