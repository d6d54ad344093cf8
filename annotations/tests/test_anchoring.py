"""Anchoring: a highlight placed in a snapshot's text by its position, its
exact quote (context choosing among repeats) or a bounded fuzzy match, else
an orphan; and every highlight of a page placed again when a copy arrives."""

import random
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.anchoring import (
    MAX_FUZZY_QUOTE,
    Anchor,
    anchor_highlight,
    context,
    edit_distance,
    locate,
    placements,
    reanchor,
    reanchor_page,
)
from annotations.models import Highlight
from annotations.services import add_highlight
from annotations.tests.factories import HighlightFactory
from bookmarks.models import Snapshot
from bookmarks.services import get_or_create_page
from bookmarks.snapshotting import request_snapshots, take_snapshot
from bookmarks.tests.factories import BookmarkFactory, PageFactory, SnapshotFactory
from bookmarks.tests.pageserver import PageServer
from interchange.diigo import parse_export
from interchange.importer import import_records
from interchange.tests.samples import csv_text, row

TEXT = (
    "Queues decouple producers from consumers. Back-pressure tells the producer "
    "to slow down when consumers fall behind. A bounded queue makes that explicit."
)


def at(text: str, quote: str, nth: int = 0) -> int:
    """Where the nth occurrence of ``quote`` starts."""
    found = -1
    for _ in range(nth + 1):
        found = text.index(quote, found + 1)
    return found


# --- locate: position, quote, fuzzy, orphan -----------------------------------


def test_the_stored_position_is_used_when_the_quote_is_still_there():
    start = at(TEXT, "tells the producer")
    anchor = locate(TEXT, exact="tells the producer", start=start, end=start + 18)
    assert anchor == Anchor(start, start + 18, "position")


def test_a_quote_that_moved_is_found_by_its_text():
    moved = "A new opening paragraph pushes everything along. " + TEXT
    old = at(TEXT, "tells the producer")
    anchor = locate(moved, exact="tells the producer", start=old, end=old + 18)
    assert anchor.method == "quote"
    assert (anchor.start, anchor.end) == (at(moved, "tells the producer"), anchor.start + 18)


def test_repeats_are_told_apart_by_prefix_and_suffix():
    text = "Step one: restart it. Step two: check the logs. Step three: restart it."
    second_start = at(text, "restart it", 1)
    anchor = locate(text, exact="restart it", prefix="Step three: ", suffix=".")
    assert (anchor.start, anchor.method) == (second_start, "quote")
    first = locate(text, exact="restart it", prefix="Step one: ", suffix=". Step two")
    assert first.start == at(text, "restart it")


def test_context_outweighs_the_old_position_and_position_breaks_ties():
    text = "alpha beta gamma. alpha beta delta. alpha beta gamma."
    last = at(text, "alpha beta", 2)
    # The old position (no longer holding the quote) is nearest the last
    # copy, but the context says "delta".
    anchor = locate(text, exact="alpha beta", suffix=" delta", start=last + 3, end=last + 13)
    assert (anchor.start, anchor.method) == (at(text, "alpha beta", 1), "quote")
    # No context: the copy nearest the old position (which no longer holds it).
    nearest = locate(text, exact="alpha beta", start=last + 3, end=last + 13)
    assert (nearest.start, nearest.method) == (last, "quote")


def test_a_passage_changed_a_little_is_found_fuzzily():
    changed = TEXT.replace("tells the producer to slow down", "tells each producer to slow dawn")
    quote = "Back-pressure tells the producer to slow down when consumers fall behind."
    anchor = locate(changed, exact=quote, start=at(TEXT, quote), end=at(TEXT, quote) + len(quote))
    assert anchor.method == "fuzzy"
    assert changed[anchor.start : anchor.end] == (
        "Back-pressure tells each producer to slow dawn when consumers fall behind."
    )


def test_a_passage_changed_too_much_is_an_orphan():
    changed = TEXT.replace("tells the producer to slow down", "asks upstream to wait a bit")
    quote = "Back-pressure tells the producer to slow down"
    assert locate(changed, exact=quote) is None
    assert locate(TEXT, exact="Nothing like this sentence is on the page.") is None


def test_short_quotes_are_only_matched_exactly():
    # Fewer than five characters allow no edit at all.
    assert locate("the cat sat", exact="cot") is None
    assert locate("the cat sat", exact="cat") == Anchor(4, 7, "quote")


def test_traditional_and_simplified_chinese():
    traditional = "軟體架構是系統的骨架。好的架構讓變更變得便宜,壞的架構讓每次修改都很痛苦。"
    simplified = "软件架构是系统的骨架。好的架构让变更变得便宜,坏的架构让每次修改都很痛苦。"
    quote = "好的架構讓變更變得便宜"
    assert locate(traditional, exact=quote) == Anchor(11, 22, "quote")
    assert locate(simplified, exact="好的架构让变更变得便宜") == Anchor(11, 22, "quote")
    # One character edited in the copy: still found.
    edited = simplified.replace("变得便宜", "变得更便宜")
    anchor = locate(edited, exact="好的架构让变更变得便宜,坏的架构")
    assert anchor.method == "fuzzy"
    assert edited[anchor.start : anchor.end] == "好的架构让变更变得更便宜,坏的架构"
    # The other script differs in too many characters to pass for the same passage.
    assert locate(simplified, exact="好的架構讓變更變得便宜,壞的架構") is None


def test_offsets_count_code_points_outside_the_basic_plane():
    text = "𠀋𡈽 are rare 😀 characters; 𩸽 is a fish, 😀 a face."
    quote = "𩸽 is a fish"
    start = at(text, quote)
    assert start == 26  # code points, not UTF-16 units (which would give 29)
    assert locate(text, exact=quote) == Anchor(start, start + 11, "quote")
    assert locate(text, exact=quote, start=start, end=start + 11).method == "position"
    fuzzy = locate(text.replace("fish", "fysh"), exact="😀 characters; 𩸽 is a fish")
    assert (fuzzy.start, fuzzy.end, fuzzy.method) == (12, 37, "fuzzy")


def test_empty_text_or_quote_places_nothing():
    assert locate("", exact="anything") is None
    assert locate(TEXT, exact="") is None
    assert locate(TEXT, exact=" \n\t ") is None


def test_a_quote_with_odd_whitespace_is_collapsed_like_the_text():
    quote = "  tells\n\tthe \r\n producer  "
    start = at(TEXT, "tells the producer")
    assert locate(TEXT, exact=quote) == Anchor(start, start + 18, "quote")
    assert locate(TEXT, exact=quote, start=start, end=start + 18).method == "position"
    # U+00A0 and U+3000 are not ASCII whitespace: they stay, as in the text.
    assert locate("a\u00a0b c", exact="a\u00a0b") == Anchor(0, 3, "quote")
    assert locate("a\u00a0b c", exact="a b c").method == "fuzzy"  # one edit away


def test_a_stale_or_impossible_position_is_not_trusted():
    start = at(TEXT, "tells the producer")
    assert locate(TEXT, exact="tells the producer", start=-5, end=13).method == "quote"
    assert locate(TEXT, exact="tells the producer", start=start + 1, end=start + 19) == Anchor(
        start, start + 18, "quote"
    )


def test_a_long_quote_with_many_distinct_characters_is_found_fuzzily():
    """More distinct characters than edlib's byte alphabet holds: the match is
    checked against the real text."""
    rng = random.Random(6)
    text = "".join(chr(rng.randrange(0x4E00, 0x4E00 + 2000)) for _ in range(20_000))
    quote = text[9_000:9_600]
    assert len(set(quote)) > 255
    edited = text[:9_100] + "改" + text[9_101:9_300] + text[9_302:]
    anchor = locate(edited, exact=quote)
    assert anchor.method == "fuzzy"
    assert (anchor.start, anchor.end) == (9_000, 9_598)
    # Its 100 rarest characters share a byte: reversed, they look equal to
    # edlib but are 99 edits away, over the bound of 71.
    quote = "".join(chr(0x4E00 + n) for n in range(355))
    assert locate("前文" + quote[:255] + quote[255:][::-1] + "後文", exact=quote) is None


def test_fuzzy_matching_stops_at_its_quote_length_bound():
    rng = random.Random(7)
    text = ",".join(str(rng.randrange(10**6)) for _ in range(2_000))
    quote = text[100 : 100 + MAX_FUZZY_QUOTE + 1]
    edited = text[:200] + "#" + text[201:]
    assert locate(edited, exact=quote) is None
    assert locate(edited, exact=quote[:MAX_FUZZY_QUOTE]).method == "fuzzy"


def test_context_is_up_to_32_characters_each_side():
    start = at(TEXT, "tells the producer")
    prefix, suffix = context(TEXT, start, start + 18)
    assert (prefix, suffix) == (TEXT[start - 32 : start], TEXT[start + 18 : start + 50])
    assert context("short text", 0, 5) == ("", " text")


def test_edit_distance_agrees_with_the_textbook_definition():
    def textbook(a, b):
        previous = list(range(len(b) + 1))
        for i, char_a in enumerate(a, 1):
            current = [i]
            for j, char_b in enumerate(b, 1):
                substitution = previous[j - 1] + (char_a != char_b)
                current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
            previous = current
        return previous[-1]

    rng = random.Random(5)
    for _ in range(500):
        a = "".join(rng.choice("ab架𠀋 ") for _ in range(rng.randrange(0, 70)))
        b = "".join(rng.choice("ab架𠀋 ") for _ in range(rng.randrange(0, 70)))
        assert edit_distance(a, b) == textbook(a, b), (a, b)


# --- Highlights and snapshots --------------------------------------------------


def good_copy(page, text: str, **fields) -> Snapshot:
    return SnapshotFactory(
        page=page,
        status=Snapshot.Status.OK,
        html=f"snapshots/{page.pk}-{Snapshot.objects.count()}.html",
        text=text,
        fetched_at=fields.pop("fetched_at", timezone.now()),
        **fields,
    )


@pytest.mark.django_db
def test_anchoring_sets_selectors_and_keeps_the_quote_as_written():
    bookmark = BookmarkFactory()
    snapshot = good_copy(bookmark.page, TEXT)
    highlight = HighlightFactory(bookmark=bookmark, quote="tells the\n producer ")
    anchor_highlight(highlight, snapshot)
    start = at(TEXT, "tells the producer")
    assert (highlight.start, highlight.end, highlight.snapshot) == (start, start + 18, snapshot)
    assert (highlight.prefix, highlight.suffix) == context(TEXT, start, start + 18)
    assert highlight.anchor_state == "anchored"
    assert highlight.quote == "tells the\n producer "
    highlight.refresh_from_db()
    assert highlight.anchor_state == "unanchored"  # anchor_highlight does not save


@pytest.mark.django_db
def test_an_orphan_keeps_its_quote_and_names_the_snapshot_tried():
    bookmark = BookmarkFactory()
    old = good_copy(bookmark.page, TEXT)
    highlight = add_highlight(bookmark=bookmark, quote="tells the producer")
    assert highlight.snapshot == old
    new = good_copy(bookmark.page, "The page was rewritten from top to bottom.")
    counts = reanchor([highlight], new)
    highlight.refresh_from_db()
    assert counts == {"orphaned": 1}
    assert (highlight.anchor_state, highlight.snapshot, highlight.start, highlight.end) == (
        "orphaned",
        new,
        None,
        None,
    )
    assert highlight.quote == "tells the producer"
    start = at(TEXT, "tells the producer")
    assert highlight.suffix == context(TEXT, start, start + 18)[1]  # kept for a later copy


@pytest.mark.django_db
def test_a_highlight_made_in_a_copy_is_stored_where_the_selection_was():
    bookmark = BookmarkFactory()
    text = "Retry it. Then retry it again. Then give up."
    snapshot = good_copy(bookmark.page, text)
    start = at(text, "retry it")
    highlight = add_highlight(
        bookmark=bookmark,
        quote="retry it",
        prefix="Then ",
        suffix=" again",
        start=start,
        end=start + 8,
        snapshot=snapshot,
    )
    highlight.refresh_from_db()
    assert (highlight.start, highlight.end, highlight.snapshot_id) == (
        start,
        start + 8,
        snapshot.pk,
    )
    assert highlight.anchor_state == "anchored"
    with pytest.raises(ValueError):
        add_highlight(bookmark=bookmark, quote="not in this copy at all", snapshot=snapshot)
    with pytest.raises(ValueError):
        add_highlight(bookmark=bookmark, quote="Retry", snapshot=good_copy(PageFactory(), text))
    pending = SnapshotFactory(page=bookmark.page)
    with pytest.raises(ValueError):  # not a cached copy yet
        add_highlight(bookmark=bookmark, quote="Retry", snapshot=pending)
    assert Highlight.objects.count() == 1


@pytest.mark.django_db
def test_a_highlight_without_selectors_is_anchored_to_the_newest_good_copy():
    bookmark = BookmarkFactory()
    good_copy(bookmark.page, "An old copy: tells the producer.", fetched_at=timezone.now())
    newest = good_copy(bookmark.page, TEXT, fetched_at=timezone.now())
    SnapshotFactory(page=bookmark.page, status=Snapshot.Status.FAILED)
    highlight = add_highlight(bookmark=bookmark, quote="tells the producer")
    highlight.refresh_from_db()
    assert highlight.snapshot == newest
    assert highlight.start == at(TEXT, "tells the producer")
    without_copy = add_highlight(bookmark=BookmarkFactory(), quote="tells the producer")
    assert (without_copy.anchor_state, without_copy.snapshot) == ("unanchored", None)


@pytest.mark.django_db
def test_a_diigo_import_anchors_passages_of_pages_already_cached(user):
    page = get_or_create_page(url="https://example.net/pages/1")
    snapshot = good_copy(page, TEXT)
    annotations = "Highlight: tells the producer\n\nHighlight: a passage the copy lacks"
    import_records(parse_export(csv_text([row(1, annotations=annotations)])), user=user)
    placed, missing = Highlight.objects.filter(bookmark__user=user).order_by("ordinal")
    assert (placed.anchor_state, placed.snapshot, placed.start) == (
        "anchored",
        snapshot,
        at(TEXT, "tells the producer"),
    )
    assert (missing.anchor_state, missing.snapshot, missing.start) == ("orphaned", snapshot, None)


ARTICLE = (
    "<!doctype html><html><head><meta charset=utf-8><title>Queues</title></head><body>"
    "<h1>On queues</h1><p>A new first paragraph, written after the highlights were.</p>"
    "<p>Queues decouple producers from consumers.</p>"
    "<p>Back-pressure tells every producer to slow down when consumers fall behind.</p>"
    "<p>佇列是等待的承諾。</p></body></html>"
).encode()


@pytest.mark.django_db
def test_a_new_snapshot_reanchors_every_highlight_of_every_bookmark_of_the_page():
    with PageServer({"/queues": (200, {"Content-Type": "text/html"}, ARTICLE)}) as server:
        page = get_or_create_page(url=server.url("/queues"))
        old = good_copy(page, TEXT + " 佇列是等待的承諾。")
        mine, theirs = BookmarkFactory(page=page), BookmarkFactory(page=page)
        moved = add_highlight(bookmark=mine, quote="Queues decouple producers")
        changed = add_highlight(
            bookmark=mine, quote="Back-pressure tells the producer to slow down"
        )
        gone = add_highlight(bookmark=theirs, quote="A bounded queue makes that explicit.")
        # Arrived without selectors (as from a Diigo import) and never anchored.
        bare = HighlightFactory(bookmark=theirs, quote="佇列是等待的承諾")
        untouched = HighlightFactory(bookmark=BookmarkFactory(), quote="Queues decouple")
        assert moved.snapshot == old and bare.snapshot is None
        (snapshot_id,) = request_snapshots(page_ids=[page.pk], again=True)
        take_snapshot(snapshot_id=snapshot_id)

    snapshot = Snapshot.objects.get(pk=snapshot_id)
    text = snapshot.text
    for highlight, state in [
        (moved, "anchored"),
        (changed, "anchored"),
        (gone, "orphaned"),
        (bare, "anchored"),
    ]:
        highlight.refresh_from_db()
        assert (highlight.snapshot_id, highlight.anchor_state) == (snapshot.pk, state)
    assert text[moved.start : moved.end] == "Queues decouple producers"
    assert text[changed.start : changed.end] == "Back-pressure tells every producer to slow down"
    assert text[bare.start : bare.end] == "佇列是等待的承諾"
    assert gone.start is None and gone.quote == "A bounded queue makes that explicit."
    untouched.refresh_from_db()
    assert untouched.anchor_state == "unanchored"
    # A duplicate delivery of the task changes nothing.
    assert take_snapshot(snapshot_id=snapshot_id) is None


@pytest.mark.django_db
def test_placements_use_stored_offsets_for_this_copy_and_locate_the_rest():
    bookmark = BookmarkFactory()
    old = good_copy(bookmark.page, "Old copy. " + TEXT)
    current = good_copy(bookmark.page, TEXT)
    here = add_highlight(bookmark=bookmark, quote="tells the producer", snapshot=current)
    elsewhere = anchor_highlight(HighlightFactory(bookmark=bookmark, quote="bounded queue"), old)
    elsewhere.save()
    orphan = HighlightFactory(bookmark=bookmark, quote="not on the page", snapshot=current)
    orphan.anchor_state = "orphaned"
    # Stored offsets are trusted as they are: they are this copy's own.
    Highlight.objects.filter(pk=here.pk).update(start=1, end=5)
    here.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        placed = placements([here, elsewhere, orphan], current)
    assert len(queries) == 0  # a reader's view writes nothing
    bounded = at(TEXT, "bounded queue")
    assert placed == {
        here.pk: Anchor(1, 5, "position"),
        elsewhere.pk: Anchor(bounded, bounded + 13, "quote"),
        orphan.pk: None,
    }


def page_with_highlights(count: int):
    page = PageFactory()
    words = [f"w{n}" for n in range(count)]
    snapshot = good_copy(page, " ".join(f"passage {word} ends here." for word in words))
    bookmarks = [BookmarkFactory(page=page) for _ in range(5)]
    Highlight.objects.bulk_create(
        Highlight(bookmark=bookmarks[n % 5], quote=f"passage {word} ends", ordinal=n)
        for n, word in enumerate(words)
    )
    return page, snapshot


@pytest.mark.django_db
def test_reanchoring_a_page_costs_the_same_queries_for_5_or_50_highlights():
    counts = []
    for count in (5, 50):
        page, snapshot = page_with_highlights(count)
        with CaptureQueriesContext(connection) as queries:
            placed = reanchor_page(page.pk, snapshot)
        assert placed == {"quote": count}
        statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
        counts.append(len(statements))
    assert counts[0] == counts[1] == 2  # read them, write them


def long_text_and_quotes(count: int) -> tuple[str, list[tuple[str, int]]]:
    """About 1 MB of made-up prose and ``count`` passages of it, each unique."""
    rng = random.Random(1)
    vocabulary = [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 9)))
        for _ in range(5000)
    ]
    text = " ".join(rng.choice(vocabulary) for _ in range(170_000))[:1_000_000]
    step = len(text) // count
    quotes = []
    for n in range(count):
        start = n * step + text[n * step :].index(" ") + 1
        quotes.append((text[start : start + 80].strip(), start))
    return text, quotes


@pytest.mark.django_db
def test_500_highlights_on_a_1_mb_text_reanchor_well_under_a_second(capsys):
    text, quotes = long_text_and_quotes(500)
    bookmark = BookmarkFactory()
    snapshot = good_copy(bookmark.page, text)
    with_positions = Highlight.objects.bulk_create(
        Highlight(bookmark=bookmark, quote=quote, start=start, end=start + len(quote), ordinal=n)
        for n, (quote, start) in enumerate(quotes)
    )
    timings = {}
    for case in ("by position", "by quote alone"):
        runs = []
        for _ in range(3):
            if case == "by quote alone":
                Highlight.objects.update(start=None, end=None, prefix="", suffix="")
            began = time.perf_counter()
            counts = reanchor_page(bookmark.page_id, snapshot)
            runs.append(time.perf_counter() - began)
        timings[case] = statistics.median(runs)
        assert counts == {"position" if case == "by position" else "quote": 500}
    for highlight in Highlight.objects.filter(pk__in=[h.pk for h in with_positions[::50]]):
        assert text[highlight.start : highlight.end] == highlight.quote
    with capsys.disabled():
        print(
            f"\nreanchor_page, 500 highlights, {len(text):,} characters, median of 3: "
            + ", ".join(f"{case} {seconds * 1000:.0f} ms" for case, seconds in timings.items())
        )
    assert max(timings.values()) < 0.5
