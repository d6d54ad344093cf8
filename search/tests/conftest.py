"""Helpers for the search tests: saving through the services with the
on-commit work (indexing) run as a real commit would run it."""

import re
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from annotations.services import add_highlight, add_note
from bookmarks.models import Snapshot
from bookmarks.services import save_bookmark
from bookmarks.tests.factories import SnapshotFactory
from search.selectors import _recent_times

BASE_TIME = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def forget_counts():
    """Searches remember "more than the limit" in the cache, and each process
    the time of the newest entries; each test starts afresh."""
    cache.clear()
    _recent_times.clear()
    yield
    cache.clear()
    _recent_times.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed(): ...`` runs the on-commit callbacks of the block."""
    return partial(django_capture_on_commit_callbacks, execute=True)


class Library:
    """Bookmarks saved through the services, each indexed on commit."""

    def __init__(self, committed):
        self.committed = committed
        self.count = 0

    def save(self, user, *, highlights=(), notes=(), **fields):
        """A bookmark; ``highlights`` are quotes, or (quote, [sticky notes])."""
        self.count += 1
        fields.setdefault("url", f"https://example.org/read/{self.count}")
        fields.setdefault("title", f"Reading {self.count}")
        fields.setdefault("created_at", BASE_TIME + timedelta(minutes=self.count))
        with self.committed():
            bookmark, _ = save_bookmark(user=user, snapshot=False, **fields)
            for entry in highlights:
                quote, on_it = (entry, ()) if isinstance(entry, str) else entry
                highlight = add_highlight(bookmark=bookmark, quote=quote)
                for text in on_it:
                    add_note(bookmark=bookmark, highlight=highlight, text=text)
            for text in notes:
                add_note(bookmark=bookmark, text=text)
        return bookmark

    def cache(self, bookmark, text: str):
        """A good cached copy of the bookmark's page whose text is ``text``."""
        with self.committed():
            return SnapshotFactory(
                page=bookmark.page,
                status=Snapshot.Status.OK,
                fetched_at=timezone.now(),
                html="snapshots/x.html",
                text=text,
            )


@pytest.fixture
def library(db, committed):
    return Library(committed)


def search(client, q, **params):
    return client.get(reverse("search:results"), {"q": q, **params})


_RESULT_ID = re.compile(r'id="result-(\d+)"')


def result_ids(response) -> list[int]:
    """The bookmarks listed on a results page, in order."""
    assert response.status_code == 200
    return [int(pk) for pk in _RESULT_ID.findall(response.content.decode())]
