"""A 10,000-row export with three highlights a row imports in seconds."""

import io
import time

import pytest
from django.core.management import call_command

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark

from .samples import csv_text, generated_rows, write

ROWS = 10_000


@pytest.mark.slow
@pytest.mark.django_db
def test_ten_thousand_rows_well_under_a_minute(user, tmp_path):
    path = write(tmp_path / "large.csv", csv_text(generated_rows(ROWS, highlights=3)))
    out, err = io.StringIO(), io.StringIO()

    started = time.perf_counter()
    call_command("import_bookmarks", str(path), user=user.username, stdout=out, stderr=err)
    elapsed = time.perf_counter() - started

    assert f"Bookmarks: {ROWS} created" in out.getvalue()
    assert err.getvalue().count("rows read…") == ROWS // 1000
    assert Bookmark.objects.count() == ROWS
    assert Highlight.objects.count() == 3 * ROWS
    # three notes on highlights and two comments per row
    assert Note.objects.count() == 5 * ROWS
    # Measured about 5 s on SQLite; the bound leaves room for slow machines
    # while still catching a return to one transaction per row.
    assert elapsed < 45, f"{ROWS} rows took {elapsed:.1f} s"
