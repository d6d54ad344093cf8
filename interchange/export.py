"""Exports: a user's bookmarks or a group's items, all or one tag's, as a
Netscape bookmark file or as Diigo-style CSV, written as generators of text.

Nothing is built whole: the rows are read a chunk at a time, newest first
(``_in_chunks``), with a fixed number of queries per chunk whatever it
holds: the rows, their tags, and for the CSV their highlights and sticky
notes. Callers decide who may read what (groups.visibility); this module
writes what it is given.

- Netscape HTML as Firefox and Chromium read it: one ``<DT><A>`` a line
  (Chromium's reader goes line by line), ``ADD_DATE`` and ``LAST_MODIFIED``
  in Unix seconds, ``PRIVATE``, ``TOREAD``, ``TAGS`` comma-separated (a tag
  name never has a comma), the description in ``<DD>``.
- CSV: Diigo's columns plus Commonplace's own (interchange.exact_csv), so the
  file re-imports with nothing lost; cells a spreadsheet would run as a
  formula are escaped (interchange.formats).
"""

import csv
import html
import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice

from django.db.models import QuerySet

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Tag
from groups.models import Group, GroupItem, GroupItemTag, GroupShare

from . import exact_csv
from .diigo import COLUMNS
from .formats import escape_formula
from .plaintext import without_controls

#: Rows read per chunk.
EXPORT_CHUNK = 500
CSV_COLUMNS = COLUMNS + exact_csv.EXTRA_COLUMNS
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(slots=True)
class ExportHighlight:
    quote: str
    colour: str
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExportEntry:
    url: str
    title: str
    description: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    is_private: bool
    to_read: bool
    notes: list[str] = field(default_factory=list)
    highlights: list[ExportHighlight] = field(default_factory=list)


# --- What to export -------------------------------------------------------------


def library_chunks(
    owner, *, tag: Tag | None = None, annotations: bool = False, chunk: int | None = None
) -> Iterator[list[ExportEntry]]:
    """The owner's bookmarks (or those tagged ``tag``), newest first."""
    bookmarks = Bookmark.objects.filter(user=owner)
    if tag is not None:
        bookmarks = bookmarks.filter(tags=tag)
    bookmarks = bookmarks.select_related("page").only(*_BOOKMARK_FIELDS, "page__title")
    for rows in _in_chunks(bookmarks, "created_at", chunk or EXPORT_CHUNK):
        yield _bookmark_entries(rows, annotations=annotations)


def group_chunks(
    group: Group, *, tag: Tag | None = None, annotations: bool = False, chunk: int | None = None
) -> Iterator[list[ExportEntry]]:
    """A group's items (or those tagged ``tag``), newest first: each with its
    first sharer's URL, title and description, the item's tags, and every
    sharer's highlights and notes, as the item's page shows them."""
    items = GroupItem.objects.filter(group=group)
    if tag is not None:
        items = items.filter(tags=tag)
    items = items.select_related("page").only("id", "shared_at", "page__url", "page__title")
    for rows in _in_chunks(items, "shared_at", chunk or EXPORT_CHUNK):
        yield _item_entries(rows, private=not group.is_public, annotations=annotations)


_BOOKMARK_FIELDS = (
    "id",
    "url",
    "title",
    "description",
    "created_at",
    "updated_at",
    "is_private",
    "to_read",
)


def _in_chunks(queryset: QuerySet, time: str, size: int) -> Iterator[list]:
    """The rows newest first, ``size`` at a time.

    Their ids come from one sorted query, read through a cursor a chunk at a
    time; each chunk's rows are then one query by primary key. Keyset
    pagination on ``(time, id)`` would need an index on both: with only
    ``(owner, time)`` a database may sort every row it has for each chunk
    (PostgreSQL did, on a table not yet analysed, and on many equal times)."""
    ids = queryset.order_by(f"-{time}", "-pk").values_list("pk", flat=True)
    ids = ids.iterator(chunk_size=size)
    while chunk := list(islice(ids, size)):
        rows = {row.pk: row for row in queryset.filter(pk__in=chunk)}
        yield [rows[pk] for pk in chunk if pk in rows]  # one deleted meanwhile is left out


def _bookmark_entries(bookmarks: list[Bookmark], *, annotations: bool) -> list[ExportEntry]:
    ids = [bookmark.pk for bookmark in bookmarks]
    tags = _tag_names(BookmarkTag.objects.filter(bookmark_id__in=ids), "bookmark_id")
    notes, highlights = _annotations(ids) if annotations else ({}, {})
    return [
        ExportEntry(
            url=bookmark.url,
            title=bookmark.title or bookmark.page.title,
            description=bookmark.description,
            tags=tags.get(bookmark.pk, []),
            created_at=bookmark.created_at,
            updated_at=bookmark.updated_at,
            is_private=bookmark.is_private,
            to_read=bookmark.to_read,
            notes=notes.get(bookmark.pk, []),
            highlights=highlights.get(bookmark.pk, []),
        )
        for bookmark in bookmarks
    ]


def _item_entries(items: list[GroupItem], *, private: bool, annotations: bool) -> list[ExportEntry]:
    ids = [item.pk for item in items]
    shared: dict[int, list[Bookmark]] = defaultdict(list)
    shares = GroupShare.objects.filter(item_id__in=ids).select_related("bookmark")
    for share in shares.only("item_id", *(f"bookmark__{name}" for name in _BOOKMARK_FIELDS)):
        shared[share.item_id].append(share.bookmark)  # in share order (Meta.ordering)
    tags = _tag_names(GroupItemTag.objects.filter(item_id__in=ids), "item_id")
    bookmark_ids = [bookmark.pk for bookmarks in shared.values() for bookmark in bookmarks]
    notes, highlights = _annotations(bookmark_ids) if annotations else ({}, {})
    entries = []
    for item in items:
        sharers = shared.get(item.pk, [])
        first = sharers[0] if sharers else None
        entries.append(
            ExportEntry(
                url=first.url if first else item.page.url,
                title=(first.title if first else "") or item.page.title,
                description=first.description if first else "",
                tags=tags.get(item.pk, []),
                created_at=item.shared_at,
                updated_at=max((b.updated_at for b in sharers), default=item.shared_at),
                is_private=private,
                to_read=False,
                notes=[text for b in sharers for text in notes.get(b.pk, [])],
                highlights=[h for b in sharers for h in highlights.get(b.pk, [])],
            )
        )
    return entries


def _tag_names(links: QuerySet, owner: str) -> dict[int, list[str]]:
    """Tag names by owner id (a bookmark's or an item's), in key order: one
    query. Sorted here, not by the database: an ORDER BY on the tag's key
    lets a planner without statistics walk every link of every tag."""
    keyed: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for owner_id, name, key in links.values_list(owner, "tag__name", "tag__key"):
        keyed[owner_id].append((key, name))
    return {owner_id: [name for _key, name in sorted(pairs)] for owner_id, pairs in keyed.items()}


def _annotations(bookmark_ids: list[int]):
    """Notes on the whole bookmark, and highlights in page order with their
    notes, by bookmark id: two queries."""
    highlights: dict[int, list[ExportHighlight]] = defaultdict(list)
    by_id: dict[int, ExportHighlight] = {}
    rows = Highlight.objects.filter(bookmark_id__in=bookmark_ids).order_by(
        "bookmark_id", "ordinal", "id"
    )
    for pk, bookmark_id, quote, colour in rows.values_list("id", "bookmark_id", "quote", "colour"):
        highlight = by_id[pk] = ExportHighlight(quote, colour)
        highlights[bookmark_id].append(highlight)
    notes: dict[int, list[str]] = defaultdict(list)
    rows = Note.objects.filter(bookmark_id__in=bookmark_ids).order_by("created_at", "id")
    for bookmark_id, highlight_id, text in rows.values_list("bookmark_id", "highlight_id", "text"):
        if highlight_id is None:
            notes[bookmark_id].append(text)
        elif highlight_id in by_id:
            by_id[highlight_id].notes.append(text)
    return notes, highlights


# --- Netscape HTML ------------------------------------------------------------

NETSCAPE_HEAD = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- This is an automatically generated file.
     It will be read and overwritten.
     DO NOT EDIT! -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>{title}</TITLE>
<H1>{title}</H1>
<DL><p>
"""


def netscape_file(chunks: Iterable[list[ExportEntry]], *, title: str) -> Iterator[str]:
    """The bookmark file, a chunk of entries at a time."""
    yield NETSCAPE_HEAD.format(title=_text(" ".join(title.split())))
    for entries in chunks:
        yield "".join(map(_netscape_entry, entries))
    yield "</DL><p>\n"


def _netscape_entry(entry: ExportEntry) -> str:
    attributes = [
        ("HREF", entry.url),
        ("ADD_DATE", str(int(entry.created_at.timestamp()))),
        ("LAST_MODIFIED", str(int(entry.updated_at.timestamp()))),
        ("PRIVATE", "1" if entry.is_private else "0"),
        ("TOREAD", "1" if entry.to_read else "0"),
        ("TAGS", ",".join(entry.tags)),
    ]
    attrs = " ".join(f'{name}="{_attribute(value)}"' for name, value in attributes)
    # One line per link: Chromium's importer reads the file line by line.
    line = f"    <DT><A {attrs}>{_text(' '.join(entry.title.split()))}</A>\n"
    if entry.description:
        line += f"    <DD>{_text(entry.description)}\n"
    return line


def _text(value: str) -> str:
    return html.escape(without_controls(value), quote=False)


def _attribute(value: str) -> str:
    return html.escape(" ".join(without_controls(value).split()), quote=True)


# --- Diigo-style CSV ----------------------------------------------------------


def diigo_csv_file(chunks: Iterable[list[ExportEntry]]) -> Iterator[str]:
    """The CSV, a chunk of rows at a time, after a byte-order mark (so that
    spreadsheets read it as UTF-8; the importer skips it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield "\ufeff" + buffer.getvalue()
    for entries in chunks:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(_csv_row, entries))
        yield buffer.getvalue()


def _csv_row(entry: ExportEntry) -> list[str]:
    annotations = exact_csv.annotations_cell(
        entry.notes, ((h.quote, h.notes) for h in entry.highlights)
    )
    cells = {
        "title": entry.title,
        "url": entry.url,
        "tags": exact_csv.tags_cell(entry.tags),
        "description": entry.description,
        "comments": "",
        "annotations": annotations,
        "created_at": _date(entry.created_at),
        "private": exact_csv.flag_cell(entry.is_private),
        "to_read": exact_csv.flag_cell(entry.to_read),
        "updated_at": _date(entry.updated_at),
        "highlight_colours": " ".join(h.colour for h in entry.highlights),
    }
    return [escape_formula(without_controls(cells[name])) for name in CSV_COLUMNS]


def _date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(DATE_FORMAT)
