"""Writing parsed rows (of a Diigo CSV or a Netscape bookmark file): pages,
bookmarks, tags, highlights, sticky notes and, with a group, shares into it.

Rows are written in batches, one transaction and a handful of bulk queries
per batch, so a 10,000-row export takes seconds, not a transaction per row.
The parser has validated every row already; should the database still refuse
a batch (a concurrent edit, a constraint), the batch is rolled back and
written again one row per savepoint, so a bad row is reported and leaves
nothing half-imported behind. Committing batch by batch means an interrupted
import keeps what it wrote; running it again adds only what is missing.

Re-importing merges: tags, highlights and notes are added, never removed; a
row's title, description and flags replace the bookmark's only where the row
has them and is newer (``_merge_fields``).
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotations.anchoring import anchor_to_cached_copies
from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag
from bookmarks.services import get_or_create_pages, get_or_create_tags
from bookmarks.signals import content_changed
from bookmarks.snapshotting import request_snapshots
from bookmarks.tagnames import fold
from groups.models import Group, Membership
from groups.services import NotAMember, Share, share_bookmarks

from .diigo import Record, Skipped

logger = logging.getLogger(__name__)

#: Rows per transaction: large enough that per-query overhead vanishes, small
#: enough that a write lock on SQLite is held for a fraction of a second.
BATCH_SIZE = 500
#: The report lists this many renamed tags, warnings and skipped rows of each
#: kind (and counts them all), so a huge file cannot make a huge report.
MAX_LISTED = 200


@dataclass
class ImportSummary:
    rows: int = 0
    #: Rows that created a bookmark, changed an existing one, or added nothing.
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    highlights: int = 0
    notes: int = 0
    #: New shares into the group.
    shared: int = 0
    #: (line, name as written, name as saved); the first MAX_LISTED of renamed_count.
    renamed_tags: list[tuple[int, str, str]] = field(default_factory=list)
    renamed_count: int = 0
    #: The first MAX_LISTED of skipped_count.
    skipped: list[Skipped] = field(default_factory=list)
    skipped_count: int = 0
    #: (line, what the report should say about an imported row).
    warnings: list[tuple[int, str]] = field(default_factory=list)
    warning_count: int = 0

    def add(self, other: "ImportSummary") -> None:
        for name in ("created", "updated", "unchanged", "highlights", "notes", "shared"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("renamed_tags", "warnings"):
            self.listed(name, getattr(other, name))

    def skip(self, skipped: Skipped) -> None:
        self.listed("skipped", [skipped])

    def listed(self, name: str, entries: list) -> None:
        """Add to one of the report's lists, counting what does not fit."""
        count = {"renamed_tags": "renamed_count", "skipped": "skipped_count"}.get(
            name, "warning_count"
        )
        setattr(self, count, getattr(self, count) + len(entries))
        kept = getattr(self, name)
        kept.extend(entries[: max(0, MAX_LISTED - len(kept))])


def import_records(
    records: Iterable[Record | Skipped],
    *,
    user,
    group: Group | None = None,
    public: bool = False,
    batch_size: int = BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> ImportSummary:
    """Write the records into the user's library (and group); return what was done.

    New bookmarks are private unless the row says otherwise or ``public``.
    Raises NotAMember before writing anything when the user may not share
    into ``group``."""
    if group is not None and not Membership.objects.filter(group=group, user=user).exists():
        raise NotAMember(f"{user} is not a member of {group}.")
    summary = ImportSummary()
    batch: list[Record] = []
    for item in records:
        summary.rows += 1
        if isinstance(item, Skipped):
            summary.skip(item)
        else:
            batch.append(item)
        if len(batch) >= batch_size:
            _write(batch, user=user, group=group, public=public, summary=summary)
            batch = []
        if on_progress and summary.rows % progress_every == 0:
            on_progress(summary.rows)
    if batch:
        _write(batch, user=user, group=group, public=public, summary=summary)
    summary.skipped.sort(key=lambda skipped: skipped.line)
    return summary


def _write(batch: list[Record], *, user, group, public: bool, summary: ImportSummary) -> None:
    try:
        with transaction.atomic():
            written = _write_batch(batch, user=user, group=group, public=public)
    except DatabaseError as exc:
        logger.warning("A batch of %d rows failed (%s); writing it row by row.", len(batch), exc)
    else:
        summary.add(written)
        return
    for record in batch:
        try:
            with transaction.atomic():
                written = _write_batch([record], user=user, group=group, public=public)
        except DatabaseError as exc:
            # Recorded in the summary; a traceback would only bury the report.
            logger.warning("The row on line %d was refused by the database: %s", record.line, exc)
            reason = _("the database refused it: %(error)s") % {"error": exc}
            summary.skip(Skipped(record.line, reason))
        else:
            summary.add(written)


@dataclass(eq=False)
class _Target:
    """A bookmark this batch writes to, and what it already holds."""

    bookmark: Bookmark
    #: When the first of its rows says it was created: the time it is shared at.
    shared_at: datetime
    new: bool
    dirty: bool = False
    #: The time the file gives a new bookmark's last change, kept as its updated_at.
    stamp: datetime | None = None
    tag_ids: set[int] = field(default_factory=set)
    highlights: dict[str, Highlight] = field(default_factory=dict)
    next_ordinal: int = 0
    #: (highlight id or None, text) of the notes it has.
    note_keys: set[tuple[int | None, str]] = field(default_factory=set)


def _write_batch(batch: list[Record], *, user, group, public: bool) -> ImportSummary:
    """Write the rows with a few bulk queries per step; the caller holds the transaction."""
    # Row positions in the batch: which rows created their bookmark, which
    # added to or changed one that existed.
    created: set[int] = set()
    changed: set[int] = set()
    rows = _bookmark_rows(batch, user=user, public=public, created=created, changed=changed)
    _add_tags(rows, changed=changed)
    highlights = _add_highlights(rows, changed=changed)
    notes = _add_notes(rows, changed=changed)
    targets = list({id(target): target for _record, target in rows}.values())
    # Bulk writes send no model signals: tell the apps above (the search index).
    content_changed.send(sender=Bookmark, bookmark_ids=[t.bookmark.pk for t in targets])
    touched = created | changed
    return ImportSummary(
        created=len(created),
        updated=len(touched) - len(created),
        unchanged=len(batch) - len(touched),
        highlights=highlights,
        notes=notes,
        shared=_share(targets, group=group) if group else 0,
        renamed_tags=[(r.line, old, new) for r in batch for old, new in r.renamed_tags],
        warnings=[(r.line, text) for r in batch for text in r.warnings],
    )


def _bookmark_rows(
    batch: list[Record], *, user, public: bool, created: set[int], changed: set[int]
) -> list[tuple[Record, _Target]]:
    """Each row with the bookmark it writes to, created or updated as needed."""
    page_ids = get_or_create_pages(canonical_urls={record.canonical for record in batch})
    existing = {
        bookmark.page_id: bookmark
        for bookmark in Bookmark.objects.filter(user=user, page_id__in=set(page_ids.values()))
    }
    targets: dict[int, _Target] = {}
    rows = []
    for index, record in enumerate(batch):
        page_id = page_ids[record.canonical]
        target = targets.get(page_id)
        if target is None and page_id not in existing:
            created.add(index)
            bookmark = Bookmark(
                user=user,
                page_id=page_id,
                url=record.url,
                title=record.title,
                description=record.description,
                is_private=not public if record.is_private is None else record.is_private,
                to_read=bool(record.to_read),
                created_at=record.created_at,
                updated_at=record.modified_at or timezone.now(),
            )
            target = targets[page_id] = _Target(
                bookmark, record.created_at, new=True, stamp=record.modified_at
            )
        elif target is None:
            target = targets[page_id] = _Target(existing[page_id], record.created_at, new=False)
        if index not in created and _merge_fields(target.bookmark, record, public=public):
            target.dirty = True
            changed.add(index)
            if target.new and record.modified_at:
                target.stamp = record.modified_at
        rows.append((record, target))

    new = [t for t in targets.values() if t.new]
    Bookmark.objects.bulk_create([t.bookmark for t in new])  # sets updated_at to now
    request_snapshots(page_ids={t.bookmark.page_id for t in new})
    _keep_file_times({t.bookmark: t.stamp for t in new if t.stamp})
    dirty = [t.bookmark for t in targets.values() if t.dirty and not t.new]
    if dirty:
        fields = ["title", "description", "is_private", "to_read", "updated_at"]
        Bookmark.objects.bulk_update(dirty, fields, batch_size=200)
    _load_holdings([t for t in targets.values() if not t.new])
    return rows


def _add_tags(rows: list[tuple[Record, _Target]], *, changed: set[int]) -> None:
    names = [name for record, _target in rows for name in record.tags]
    tags = {tag.key: tag for tag in get_or_create_tags(names)}
    links = []
    for index, (record, target) in enumerate(rows):
        for name in record.tags:
            tag = tags[fold(name)]
            if tag.pk not in target.tag_ids:
                target.tag_ids.add(tag.pk)
                links.append(BookmarkTag(bookmark=target.bookmark, tag=tag))
                changed.add(index)
    BookmarkTag.objects.bulk_create(links, ignore_conflicts=True)


def _add_highlights(rows: list[tuple[Record, _Target]], *, changed: set[int]) -> int:
    """New passages, after the bookmark's last highlight, in file order,
    anchored to their page's cached copy where it has one."""
    highlights = []
    for index, (record, target) in enumerate(rows):
        for entry in record.highlights:
            if entry.quote in target.highlights:
                continue  # the same passage, from an earlier row or import
            highlight = Highlight(
                bookmark=target.bookmark,
                quote=entry.quote,
                ordinal=target.next_ordinal,
                created_at=record.created_at,
            )
            if entry.colour:
                highlight.colour = entry.colour
            target.highlights[entry.quote] = highlight
            target.next_ordinal += 1
            highlights.append(highlight)
            changed.add(index)
    # Pages with a cached copy already get no new snapshot, so nothing else
    # would place these passages in it.
    anchor_to_cached_copies(highlights)
    Highlight.objects.bulk_create(highlights)  # sets their ids, which notes need
    return len(highlights)


def _add_notes(rows: list[tuple[Record, _Target]], *, changed: set[int]) -> int:
    """Notes on the bookmark and on its highlights, each text once per place."""
    notes = []
    for index, (record, target) in enumerate(rows):
        wanted = [(None, text) for text in record.notes] + [
            (target.highlights[entry.quote], text)
            for entry in record.highlights
            for text in entry.notes
        ]
        for highlight, text in wanted:
            key = (highlight.pk if highlight else None, text)
            if key in target.note_keys:
                continue
            target.note_keys.add(key)
            notes.append(
                Note(
                    bookmark=target.bookmark,
                    highlight=highlight,
                    text=text,
                    created_at=record.created_at,
                )
            )
            changed.add(index)
    Note.objects.bulk_create(notes)
    return len(notes)


def _merge_fields(bookmark: Bookmark, record: Record, *, public: bool) -> bool:
    """Apply a row to a bookmark that exists already: newer data wins, only
    where the row has it.

    A row that gives its entry's time of change (``modified_at``) applies
    only when that is later than the bookmark's own last change; a row with
    no time (Diigo's exports) is taken as news, as bookmarks.services.
    save_bookmark would take it. Then a non-empty title or description
    replaces the old one, and so do the private and to-read flags where the
    file carries them. Where it does not, privacy only ever opens up (with
    --public): an import that is private by default must not hide what the
    user made public."""
    changed = False
    if record.modified_at is None or record.modified_at > bookmark.updated_at:
        values = [("title", record.title), ("description", record.description)]
        values += [("is_private", record.is_private), ("to_read", record.to_read)]
        for name, value in values:
            if value not in ("", None) and value != getattr(bookmark, name):
                setattr(bookmark, name, value)
                changed = True
    if record.is_private is None and public and bookmark.is_private:
        bookmark.is_private = False
        changed = True
    if changed:
        bookmark.updated_at = record.modified_at or timezone.now()
    return changed


def _keep_file_times(stamps: dict[Bookmark, datetime]) -> None:
    """Give new bookmarks the time of their last change the file gives
    (LAST_MODIFIED), which auto_now replaced on insert.

    This is bulk_update's ``CASE id WHEN … THEN …`` written out: Django
    builds and resolves an expression per row there, which took a third of
    a 100,000-bookmark import (bench/imports.py); this takes milliseconds."""
    if not stamps:
        return
    for bookmark, stamp in stamps.items():
        bookmark.updated_at = stamp
    ops = connection.ops
    table, pk, column = (
        ops.quote_name(name)
        for name in (Bookmark._meta.db_table, "id", Bookmark._meta.get_field("updated_at").column)
    )
    cases = " ".join(["WHEN %s THEN %s"] * len(stamps))
    ids = ", ".join(["%s"] * len(stamps))
    params = [
        value
        for bookmark, stamp in stamps.items()
        for value in (bookmark.pk, ops.adapt_datetimefield_value(stamp))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {column} = CASE {pk} {cases} END WHERE {pk} IN ({ids})",  # noqa: S608
            [*params, *(bookmark.pk for bookmark in stamps)],
        )


def _load_holdings(targets: list[_Target]) -> None:
    """Fill in the tags, highlights and notes existing bookmarks have, so that
    nothing is added twice."""
    by_id = {target.bookmark.pk: target for target in targets}
    if not by_id:
        return
    links = BookmarkTag.objects.filter(bookmark_id__in=by_id).values_list("bookmark_id", "tag_id")
    for bookmark_id, tag_id in links:
        by_id[bookmark_id].tag_ids.add(tag_id)
    for highlight in Highlight.objects.filter(bookmark_id__in=by_id).only(
        "id", "bookmark_id", "quote", "ordinal"
    ):
        target = by_id[highlight.bookmark_id]
        target.highlights.setdefault(highlight.quote, highlight)
        target.next_ordinal = max(target.next_ordinal, highlight.ordinal + 1)
    notes = Note.objects.filter(bookmark_id__in=by_id).values_list(
        "bookmark_id", "highlight_id", "text"
    )
    for bookmark_id, highlight_id, text in notes:
        by_id[bookmark_id].note_keys.add((highlight_id, text))


def _share(targets: list[_Target], *, group: Group) -> int:
    """Share every bookmark of the batch into the group, at its row's time,
    with all its tags."""
    shares = [Share(t.bookmark, t.shared_at, frozenset(t.tag_ids)) for t in targets]
    return share_bookmarks(group=group, shares=shares)
