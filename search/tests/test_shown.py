"""A result shows what its entry keeps (search.shown): the highlights, sticky
notes, tags and cached copy its words were found in, rewritten with the
words; and the same, read afresh, for a bookmark whose entry does not keep
them (written before, or no entry yet)."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from annotations.models import Highlight
from annotations.services import delete_highlight, update_note
from bookmarks.models import Bookmark, Tag
from bookmarks.services import save_bookmark
from search.indexing import reindex_bookmarks, stale_bookmark_ids
from search.models import SearchEntry

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db


def test_the_entry_keeps_highlights_notes_tags_and_the_cached_copy(user, library):
    bookmark = library.save(
        user,
        tag_names=["Sorrel", "anise"],
        highlights=[("First quote", ["on the first"]), "Second quote"],
        notes=["on the whole page"],
    )
    copy = library.cache(bookmark, "the text of the page")
    first, second = Highlight.objects.filter(bookmark=bookmark).order_by("ordinal")
    assert SearchEntry.objects.get(bookmark=bookmark).shown == {
        "highlights": [[first.pk, "First quote"], [second.pk, "Second quote"]],
        "notes": [[first.pk, "on the first"], [None, "on the whole page"]],
        "tags": [["anise", "anise"], ["sorrel", "Sorrel"]],
        "copy": copy.pk,
    }


def test_what_a_result_shows_follows_edits(client, user, library, committed):
    bookmark = library.save(
        user,
        tag_names=["chervil"],
        highlights=[("A passage on fennel", ["a remark on fennel"])],
    )
    html = search(client, "fennel").content.decode()
    assert "<mark>fennel</mark>" in html and ">chervil</a>" in html
    highlight = bookmark.highlights.get()
    with committed():
        update_note(note=highlight.notes.get(), text="a remark on dill")
        tag = Tag.objects.get(name="chervil")
        tag.name = "Chervil Herb"
        tag.save()
    html = search(client, "dill").content.decode()
    assert ": a remark on <mark>dill</mark></li>" in html
    assert ">Chervil Herb</a>" in html
    with committed():
        delete_highlight(highlight=highlight)
    assert "A passage on fennel" not in search(client, "dill").content.decode()


def test_a_reordered_highlight_is_shown_in_its_new_place(client, user, library, committed):
    bookmark = library.save(user, highlights=["Borage one", "Borage two"])
    html = search(client, "borage").content.decode()
    assert "<mark>Borage</mark> one" in html
    first, second = bookmark.highlights.order_by("ordinal")
    with committed():
        first.ordinal, second.ordinal = 2, 1
        first.save(update_fields=["ordinal"])
        second.save(update_fields=["ordinal"])
    assert "<mark>Borage</mark> two" in search(client, "borage").content.decode()


def _forget_shown(*bookmarks):
    """As an entry written before entries kept what results show."""
    SearchEntry.objects.filter(bookmark__in=bookmarks).update(shown=None)


def test_an_entry_that_keeps_nothing_is_shown_from_the_rows(client, user, library):
    kept = library.save(user, tag_names=["mace"], highlights=[("Kept mace", ["kept note"])])
    old = library.save(user, tag_names=["mace"], highlights=[("Older mace", ["older note"])])
    library.cache(old, "a cached copy about nutmeg and mace")
    _forget_shown(old)
    html = search(client, "mace").content.decode()
    assert result_ids(search(client, "mace")) == [old.pk, kept.pk]
    assert "Older <mark>mace</mark>" in html and ">mace</a>" in html
    assert "Kept <mark>mace</mark>" in html
    nutmeg = search(client, "nutmeg").content.decode()
    assert "In the cached copy:</span> a cached copy about <mark>nutmeg</mark>" in nutmeg


def test_a_bookmark_with_no_entry_found_by_its_tag_shows_its_tags(client, user, library):
    bookmark = library.save(user, tag_names=["galangal", "ginger"], highlights=["Root"])
    SearchEntry.objects.filter(bookmark=bookmark).delete()
    html = search(client, "#galangal").content.decode()
    assert result_ids(search(client, "#galangal")) == [bookmark.pk]
    assert ">galangal</a>" in html and ">ginger</a>" in html


def test_entries_that_keep_nothing_are_stale(user, library):
    bookmark = library.save(user)
    assert bookmark.pk not in stale_bookmark_ids()
    _forget_shown(bookmark)
    assert bookmark.pk in stale_bookmark_ids()


def test_read_afresh_or_kept_a_page_costs_the_same_queries(client, user, library):
    """Bookmarks whose entries keep nothing are read in a fixed number of
    queries, however many there are; kept ones need none of those."""
    saved = [
        library.save(user, tag_names=["cumin"], highlights=[("Cumin seed", ["a note"])])
        for _ in range(6)
    ]

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert len(result_ids(search(client, "cumin"))) == len(saved)
        return len(captured)

    kept = queries()
    _forget_shown(*saved[:2])
    two = queries()
    _forget_shown(*saved)
    six = queries()
    assert two == six > kept


def test_a_failed_rebuild_leaves_results_reading_the_rows(
    client, user, library, committed, monkeypatch, caplog
):
    """A rebuild that fails after a note is deleted must not leave the entry
    showing the note: the entry is marked, results read the rows, and the
    sweep finds it."""
    bookmark = library.save(user, highlights=[("A passage on lovage", ["a remark on lovage"])])
    note = bookmark.notes.get()

    def broken(ids):
        raise RuntimeError("the index is unwell")

    monkeypatch.setattr("search.signals.reindex_bookmarks", broken)
    with committed():
        note.delete()
    assert "Reindexing 1 bookmarks failed" in caplog.text
    assert "a remark on" not in search(client, "lovage").content.decode()
    assert bookmark.pk in stale_bookmark_ids()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks")
def test_two_rebuilds_of_one_bookmark_take_turns(user):
    """A rebuild holds its bookmarks until it has written: a second one
    waits, so it reads what the first wrote after, never before."""

    bookmark, _ = save_bookmark(
        user=user, url="https://example.org/rue", title="rue", snapshot=False
    )

    def rebuild():
        try:
            return reindex_bookmarks([bookmark.pk])
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        with transaction.atomic():
            Bookmark.objects.select_for_update().get(pk=bookmark.pk)
            waiting = pool.submit(rebuild)
            with pytest.raises(TimeoutError):
                waiting.result(timeout=0.5)  # held by this transaction's lock
        assert waiting.result(timeout=10) == 1  # and done once it is let go
