"""The commands: ``reindex_search`` indexes what writes that send no signal
(imports, bulk updates, a snapshot finishing) left stale; ``measure_search``
times searches."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from annotations.models import Highlight
from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import get_or_create_page
from interchange.tests.samples import csv_text, row, write
from search.indexing import stale_bookmark_ids
from search.models import SearchEntry

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db


def reindex(*args) -> str:
    out = io.StringIO()
    call_command("reindex_search", *args, stdout=out)
    return out.getvalue()


def test_an_import_is_searchable_after_the_command(client, user, tmp_path):
    path = write(
        tmp_path / "export.csv",
        csv_text(
            [
                row(
                    1,
                    title="Imported page",
                    description="about mangosteen",
                    annotations="Highlight: a passage on rambutan\nSticky notes: durian thoughts",
                )
            ]
        ),
    )
    call_command(
        "import_bookmarks", str(path), user=user.username, public=True, stdout=io.StringIO()
    )
    assert result_ids(search(client, "mangosteen")) == []  # bulk_create sent no signal
    assert "Indexed 1 bookmarks" in reindex()
    for word in ("mangosteen", "rambutan", "durian", "imported"):
        assert len(result_ids(search(client, word))) == 1, word
    assert "Indexed 0 bookmarks" in reindex()


def test_bulk_updates_highlights_and_snapshots_are_found_stale(user, library):
    edited, highlighted, cached, untouched = (library.save(user) for _ in range(4))
    assert stale_bookmark_ids() == set()
    Bookmark.objects.filter(pk=edited.pk).update(title="Bulk title", updated_at=timezone.now())
    Highlight.objects.bulk_create([Highlight(bookmark=highlighted, quote="bulk quote")])
    Snapshot.objects.bulk_create([Snapshot(page=cached.page)])
    Snapshot.objects.filter(page=cached.page).update(
        status=Snapshot.Status.OK, fetched_at=timezone.now(), html="s.html", text="new copy"
    )
    assert stale_bookmark_ids() == {edited.pk, highlighted.pk, cached.pk}
    assert "Indexed 3 bookmarks" in reindex()
    assert stale_bookmark_ids() == set()
    assert "bulk" in SearchEntry.objects.get(pk=highlighted.pk).document
    assert "copy" in SearchEntry.objects.get(pk=cached.pk).document


def test_bookmarks_never_indexed_are_found(user):
    page = get_or_create_page(url="https://example.org/bulk")
    Bookmark.objects.bulk_create([Bookmark(user=user, page=page, url=page.url, title="Bulk")])
    assert len(stale_bookmark_ids()) == 1


def test_all_rebuilds_every_entry(user, library):
    for _ in range(3):
        library.save(user)
    SearchEntry.objects.update(document="")
    assert "Indexed 3 bookmarks" in reindex("--all")
    assert not SearchEntry.objects.filter(document="").exists()


def test_measure_search_prints_a_line_per_query(user, library):
    library.save(user, title="Measured")
    out = io.StringIO()
    call_command("measure_search", "measured", "--runs", "2", stdout=out)
    lines = [line for line in out.getvalue().splitlines() if line.startswith("measured")]
    assert len(lines) == 2  # anonymous, then the member of most groups
    assert lines[0].split()[-1] == "1"  # one result
