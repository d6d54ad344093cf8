"""Placing a highlight in a snapshot's text (W3C TextQuoteSelector and
TextPositionSelector), and placing every highlight of a page again when a
new snapshot of it arrives.

The text is ``Snapshot.text`` (defined once in ``bookmarks.snapshot.text``);
offsets are Python code points into it. ``locate`` tries, in order:

1. **position**: the stored offsets, if the quote is still there;
2. **quote**: every exact occurrence of the quote, the one whose
   surroundings best match the stored prefix and suffix, then the one
   nearest the stored start;
3. **fuzzy**: the closest approximate match with at most
   ``len(quote) // FUZZY_ERROR_RATIO`` edits (insertions, deletions,
   substitutions), then context and proximity as above.

What none of them finds is an orphan: the caller keeps it and shows it as one.

Bounds. Steps 1 and 2 are ``str`` comparisons and ``str.find``: linear in the
text. Step 3 re-codes both strings as bytes (linear) and runs edlib (Myers'
bit-vector algorithm, banded by the error bound) over the whole text, about
``len(text) × ⌈errors / 64⌉`` word operations. It is skipped for quotes
longer than ``MAX_FUZZY_QUOTE`` and texts longer than ``MAX_FUZZY_TEXT``
(those are matched exactly or orphaned), so one highlight costs at most
~0.3 s: measured at both bounds, 90 ms on English text and 280 ms on CJK
text (whose re-coding is the slow part); a 100-character quote in 1 MB of
English, about 15 ms.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import edlib
from django.db import connection, transaction

from bookmarks.models import Page, Snapshot
from bookmarks.selectors import newest_cached_snapshot_id
from bookmarks.snapshot.text import collapse

from .models import Highlight

#: W3C TextQuoteSelector context: this many characters each side.
CONTEXT_LENGTH = 32
#: A fuzzy match may differ from the quote by one edit in this many characters
#: (so quotes shorter than this are only matched exactly).
FUZZY_ERROR_RATIO = 5
#: Longer quotes are matched exactly or not at all: a passage that long which
#: changed is better shown as an orphan than searched for at length.
MAX_FUZZY_QUOTE = 4000
#: Longer texts (the fetcher's byte caps allow ~20 MB of HTML) get no fuzzy search.
MAX_FUZZY_TEXT = 2_000_000
#: Fields an anchoring writes.
ANCHOR_FIELDS = ["snapshot", "start", "end", "prefix", "suffix", "anchor_state"]


@dataclass(frozen=True)
class Anchor:
    """Where a quote is in a text: ``text[start:end]``, and how it was found."""

    start: int
    end: int
    #: "position", "quote" or "fuzzy".
    method: str


# --- Matching a quote in a text (pure) ----------------------------------------


def locate(
    text: str,
    *,
    exact: str,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
) -> Anchor | None:
    """Where ``exact`` is in ``text``, or None. ``prefix``, ``suffix`` and
    ``start`` only choose among candidates; none of them is required."""
    exact = collapse(exact)
    if not exact or not text:
        return None
    if start is not None and end is not None and start >= 0 and text[start:end] == exact:
        return Anchor(start, end, "position")
    spans = _occurrences(text, exact)
    if spans:
        best = _best(spans, text, prefix=prefix, suffix=suffix, near=start, length=len(exact))
        return Anchor(*best, "quote")
    spans = _fuzzy_spans(text, exact)
    if spans:
        best = _best(spans, text, prefix=prefix, suffix=suffix, near=start, length=len(exact))
        return Anchor(*best, "fuzzy")
    return None


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The TextQuoteSelector prefix and suffix of ``text[start:end]``."""
    return text[max(0, start - CONTEXT_LENGTH) : start], text[end : end + CONTEXT_LENGTH]


def _occurrences(text: str, exact: str) -> list[tuple[int, int]]:
    """Every exact occurrence, overlapping ones included."""
    spans = []
    found = text.find(exact)
    while found != -1:
        spans.append((found, found + len(exact)))
        found = text.find(exact, found + 1)
    return spans


def _best(
    spans: list[tuple[int, int]],
    text: str,
    *,
    prefix: str,
    suffix: str,
    near: int | None,
    length: int,
) -> tuple[int, int]:
    """The span whose surroundings match the context best; then the one
    closest to the quote's length (fuzzy spans vary); then the nearest to
    the old position; then the first."""
    if len(spans) == 1:
        return spans[0]

    def rank(span: tuple[int, int]) -> tuple[int, int, int, int]:
        at, to = span
        score = _common_suffix(text, at, prefix) + _common_prefix(text, to, suffix)
        distance = abs(at - near) if near is not None else 0
        return (-score, abs((to - at) - length), distance, at)

    return min(spans, key=rank)


def _common_suffix(text: str, at: int, prefix: str) -> int:
    """How many characters of ``prefix``, read backwards, are just before ``at``."""
    count = 0
    while count < len(prefix) and count < at and text[at - count - 1] == prefix[-count - 1]:
        count += 1
    return count


def _common_prefix(text: str, at: int, suffix: str) -> int:
    """How many characters of ``suffix`` are just after ``at``."""
    count = 0
    while count < len(suffix) and at + count < len(text) and text[at + count] == suffix[count]:
        count += 1
    return count


# --- Fuzzy matching -----------------------------------------------------------


def _fuzzy_spans(text: str, exact: str) -> list[tuple[int, int]]:
    """The spans of ``text`` closest to ``exact`` within the error bound.

    edlib compares bytes, so both strings are re-coded: each character of the
    quote gets a byte of its own, and every other character of the text the
    byte 0, which equals nothing in the quote. A quote with more than 255
    distinct characters (a long CJK passage) shares the last byte among its
    rarest ones; those spans are then checked against the real text."""
    max_errors = len(exact) // FUZZY_ERROR_RATIO
    if not max_errors or len(exact) > MAX_FUZZY_QUOTE or len(text) > MAX_FUZZY_TEXT:
        return []
    query, target, lossy = _encode(exact, text)
    found = edlib.align(query, target, mode="HW", task="locations", k=max_errors)
    if found["editDistance"] < 0:
        return []
    spans = [(at, last + 1) for at, last in found["locations"]]
    if lossy:
        spans = [(at, to) for at, to in spans if edit_distance(exact, text[at:to]) <= max_errors]
    return spans


def _encode(exact: str, text: str) -> tuple[bytes, bytes, bool]:
    """Both strings as bytes over the quote's alphabet (see _fuzzy_spans)."""
    alphabet = [char for char, _count in Counter(exact).most_common()]
    codes = {char: chr(index + 1) for index, char in enumerate(alphabet[:255])}
    codes.update({char: chr(255) for char in alphabet[255:]})
    # One table entry per distinct character: str.translate then runs in C.
    table = {ord(char): codes.get(char, "\0") for char in set(text).union(codes)}
    query = exact.translate(table).encode("latin-1")
    target = text.translate(table).encode("latin-1")
    return query, target, len(alphabet) > 255


def edit_distance(a: str, b: str) -> int:
    """The Levenshtein distance of two strings, any characters.

    Myers' bit-vector algorithm (Hyyrö's formulation) with Python integers
    as bit vectors: one step per character of ``b``, a few milliseconds for
    strings of a few thousand characters."""
    if not a:
        return len(b)
    mask = (1 << len(a)) - 1
    top = 1 << (len(a) - 1)
    match: dict[str, int] = {}
    for index, char in enumerate(a):
        match[char] = match.get(char, 0) | (1 << index)
    plus, minus, score = mask, 0, len(a)
    for char in b:
        eq = match.get(char, 0)
        vertical = eq | minus
        horizontal = (((eq & plus) + plus) ^ plus) | eq
        h_plus = minus | ~(horizontal | plus)
        h_minus = plus & horizontal
        if h_plus & top:
            score += 1
        elif h_minus & top:
            score -= 1
        h_plus = (h_plus << 1) | 1  # global alignment: row 0 grows by one a column
        h_minus <<= 1
        plus = (h_minus | ~(vertical | h_plus)) & mask
        minus = h_plus & vertical & mask
    return score


# --- Highlights and snapshots (database) --------------------------------------


def anchor_highlight(highlight: Highlight, snapshot: Snapshot) -> Highlight:
    """Place the highlight in the snapshot's text; does not save.

    The quote stays as its author wrote it. An orphan keeps its quote and
    context (they may still match a later snapshot) and loses its offsets."""
    _apply(highlight, snapshot, _locate_highlight(highlight, snapshot.text))
    return highlight


def _locate_highlight(highlight: Highlight, text: str) -> Anchor | None:
    """Its stored selectors (from whichever snapshot it was placed in last)
    tried against ``text``."""
    return locate(
        text,
        exact=highlight.quote,
        prefix=highlight.prefix,
        suffix=highlight.suffix,
        start=highlight.start,
        end=highlight.end,
    )


def _apply(highlight: Highlight, snapshot: Snapshot, anchor: Anchor | None) -> None:
    highlight.snapshot = snapshot
    if anchor is None:
        highlight.start = highlight.end = None
        highlight.anchor_state = Highlight.AnchorState.ORPHANED
        return
    highlight.start, highlight.end = anchor.start, anchor.end
    highlight.prefix, highlight.suffix = context(snapshot.text, anchor.start, anchor.end)
    highlight.anchor_state = Highlight.AnchorState.ANCHORED


def reanchor(highlights: Iterable[Highlight], snapshot: Snapshot) -> Counter[str]:
    """Anchor the highlights to the snapshot and save them, in one statement
    whatever their number. Returns how many were placed by each method
    ("position", "quote", "fuzzy") and how many were "orphaned"."""
    counts: Counter[str] = Counter()
    changed = []
    for highlight in highlights:
        anchor = _locate_highlight(highlight, snapshot.text)
        _apply(highlight, snapshot, anchor)
        counts[anchor.method if anchor else "orphaned"] += 1
        changed.append(highlight)
    _save_anchors(changed)
    return counts


def _save_anchors(highlights: list[Highlight]) -> None:
    """Write the anchoring fields of many highlights: one statement executed
    for every row (executemany), in one transaction.

    Not bulk_update: it builds a CASE expression per field per row, which
    took ~300 ms of Python for 500 highlights, and splits into batches of
    124 rows on SQLite. ``updated_at`` stays: placing a highlight again is
    not an edit of it."""
    if not highlights:
        return
    meta, quote = Highlight._meta, connection.ops.quote_name  # "end" is an SQL keyword
    columns = [meta.get_field(name).column for name in ANCHOR_FIELDS]
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    # Names from the model's metadata, values as parameters: nothing to inject.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
    rows = [
        # In ANCHOR_FIELDS' order; str() turns a choices enum into its plain value.
        [h.snapshot_id, h.start, h.end, h.prefix, h.suffix, str(h.anchor_state), h.pk]
        for h in highlights
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def reanchor_page(page_id: int, snapshot: Snapshot) -> Counter[str]:
    """Anchor every highlight of every bookmark of the page to ``snapshot``
    (its new cached copy): one query to read them, one statement to write
    them."""
    highlights = Highlight.objects.filter(bookmark__page_id=page_id).only(
        "id", "quote", *ANCHOR_FIELDS
    )
    return reanchor(highlights, snapshot)


def anchor_to_cached_copies(highlights: list[Highlight]) -> None:
    """Anchor new highlights (with their bookmarks loaded) to their page's
    cached copy, where the page has one; does not save. One query, reading
    one snapshot's text at a time."""
    by_page: dict[int, list[Highlight]] = defaultdict(list)
    for highlight in highlights:
        by_page[highlight.bookmark.page_id].append(highlight)
    if not by_page:
        return
    for snapshot in _cached_copies(by_page):
        for highlight in by_page[snapshot.page_id]:
            anchor_highlight(highlight, snapshot)


def _cached_copies(page_ids: Iterable[int]) -> Iterator[Snapshot]:
    """The newest good snapshot of each page that has one, text included,
    streamed (the texts together may be large)."""
    newest = Page.objects.filter(pk__in=list(page_ids)).values(
        newest=newest_cached_snapshot_id("pk")
    )
    return Snapshot.objects.filter(pk__in=newest).only("id", "page_id", "text").iterator()


def placements(highlights: Iterable[Highlight], snapshot: Snapshot) -> dict[int, Anchor | None]:
    """Where each highlight is in the text of ``snapshot``, for a reader
    viewing that copy, by highlight id; None for an orphan there. Highlights
    anchored to this snapshot use their stored offsets; the others are
    located now (nothing is written: a reader's view never writes)."""
    placed: dict[int, Anchor | None] = {}
    for highlight in highlights:
        unanchored = highlight.anchor_state == Highlight.AnchorState.UNANCHORED
        if highlight.snapshot_id == snapshot.pk and not unanchored:
            placed[highlight.pk] = _stored(highlight)
        else:
            placed[highlight.pk] = _locate_highlight(highlight, snapshot.text)
    return placed


def _stored(highlight: Highlight) -> Anchor | None:
    if highlight.start is None or highlight.end is None:
        return None  # an orphan in this snapshot
    return Anchor(highlight.start, highlight.end, "position")
