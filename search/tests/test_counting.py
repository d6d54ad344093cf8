"""A search that finds more than COUNT_LIMIT is remembered as such for a
while, per reader: the next page costs no count, a reader never gets another
reader's count, and a remembered count that went stale is counted again
rather than shown as a short or empty page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark
from search import selectors

from .conftest import result_ids, search

pytestmark = pytest.mark.django_db

#: Pages of 10 (the smallest size) of "more than 12" are two pages.
LIMIT = 12
MORE = f"of more than {LIMIT}, newest first"
_STATUS = re.compile(r'<p class="pagination__status" role="status">(.*?)</p>', re.DOTALL)


@pytest.fixture(autouse=True)
def small_limit(monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_LIMIT", LIMIT)
    monkeypatch.setattr("search.views.COUNT_LIMIT", LIMIT)


@pytest.fixture
def owner(db):
    return UserFactory()


def marigolds(library, owner, n, **fields):
    return [library.save(owner, title="Marigold", **fields) for _ in range(n)]


def counted(client, page=1) -> tuple[bool, object]:
    """Whether searching for marigolds ran a count, and the response."""
    with CaptureQueriesContext(connection) as captured:
        response = search(client, "marigold", per_page=10, page=page)
    return any("COUNT(" in query["sql"] for query in captured.captured_queries), response


def status(response) -> str:
    assert response.status_code == 200
    return " ".join(_STATUS.search(response.content.decode()).group(1).split())


def test_more_than_the_limit_is_remembered_for_the_next_page(client, owner, library):
    saved = marigolds(library, owner, LIMIT + 2)
    ran, first = counted(client)
    assert ran and status(first) == f"1 - 10 {MORE}"
    ran, second = counted(client, page=2)
    assert not ran and status(second) == f"11 - 12 {MORE}"
    assert result_ids(first) + result_ids(second) == [b.pk for b in reversed(saved)][:LIMIT]


def test_a_count_within_the_limit_is_never_remembered(client, owner, library):
    marigolds(library, owner, LIMIT)
    for _ in range(2):
        ran, response = counted(client)
        assert ran and status(response) == f"1 - 10 of {LIMIT}, newest first"


def test_a_private_match_counted_for_its_owner_is_not_counted_for_others(client, owner, library):
    marigolds(library, owner, LIMIT)
    marigolds(library, owner, 1, is_private=True)
    client.force_login(owner)
    ran, response = counted(client)
    assert ran and status(response) == f"1 - 10 {MORE}"
    for reader in (None, UserFactory()):
        client.logout()
        if reader is not None:
            client.force_login(reader)
        ran, response = counted(client)
        assert ran and status(response) == f"1 - 10 of {LIMIT}, newest first", reader
    client.force_login(owner)
    ran, response = counted(client)
    assert not ran and status(response) == f"1 - 10 {MORE}"


def test_a_remembered_count_that_went_stale_is_counted_again(client, owner, library):
    saved = marigolds(library, owner, LIMIT + 2)
    assert status(counted(client)[1]) == f"1 - 10 {MORE}"
    Bookmark.objects.filter(pk__in=[b.pk for b in saved[:3]]).delete()  # 11 left
    ran, response = counted(client, page=2)
    assert ran and status(response) == "11 - 11 of 11, newest first"
    assert result_ids(response) == [saved[3].pk]
    Bookmark.objects.filter(pk__in=[b.pk for b in saved[3:11]]).delete()  # 3 left
    ran, response = counted(client)
    assert ran and status(response) == "1 - 3 of 3, newest first"


def test_a_page_past_a_stale_counts_end_is_a_404_as_always(client, owner, library):
    saved = marigolds(library, owner, LIMIT + 2)
    assert status(counted(client)[1]) == f"1 - 10 {MORE}"
    Bookmark.objects.filter(pk__in=[b.pk for b in saved[:5]]).delete()  # 9 left
    ran, response = counted(client, page=2)
    assert ran and response.status_code == 404
    ran, response = counted(client)
    assert ran and status(response) == "1 - 9 of 9, newest first"
