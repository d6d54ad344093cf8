"""A results page costs the same number of queries for 5 results as for 50,
and the index serves the words (checked in the query plans)."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark
from bookmarks.tests.factories import BookmarkFactory
from groups.models import Group, Membership
from groups.pagination import Window
from groups.services import add_member, create_group, share_bookmark
from groups.tests.test_indexes import plan
from search import selectors
from search.query import parse
from search.selectors import Found, TooSlow, count_of, find, page_of, time_limit

from .conftest import BASE_TIME, result_ids, search

pytestmark = pytest.mark.django_db

QUERIES = [
    "zinnia",
    '"zinnia passage" -nothing',
    "zinnia #flowers",
    "#flowers",
    "zinnia group:garden",
    "zinnia user:gardener",
    "group:garden",
]


@pytest.fixture
def garden(library):
    owner = UserFactory(username="gardener")
    group = create_group(
        name="Garden", slug="garden", created_by=owner, visibility=Group.Visibility.PRIVATE
    )
    add_member(group=group, user=owner, role=Membership.Role.OWNER)

    def grow(count):
        for _ in range(count):
            bookmark = library.save(
                owner,
                is_private=True,
                title="Zinnia notes",
                description="All about zinnia",
                tag_names=["flowers", "summer"],
                highlights=[("A zinnia passage", ["sticky zinnia"]), "another passage"],
                notes=["a zinnia page note"],
            )
            share_bookmark(bookmark=bookmark, group=group)

    return owner, grow


def queries_for(client, q) -> int:
    with CaptureQueriesContext(connection) as captured:
        ids = result_ids(search(client, q, per_page=100))
    return len(captured), len(ids)


@pytest.mark.parametrize("who", ["owner", "anonymous"])
def test_five_results_cost_what_fifty_do(client, garden, who):
    owner, grow = garden
    if who == "owner":
        client.force_login(owner)
    grow(5)
    few = {q: queries_for(client, q) for q in QUERIES}
    grow(45)
    many = {q: queries_for(client, q) for q in QUERIES}
    for q in QUERIES:
        assert few[q][0] == many[q][0], q
        if who == "owner":
            assert (few[q][1], many[q][1]) == (5, 50), q
        else:
            assert few[q][1] == many[q][1] == 0, q


def test_a_page_of_words_is_at_most_a_dozen_queries(client, garden):
    owner, grow = garden
    client.force_login(owner)
    grow(3)
    for q in QUERIES:
        count, _ = queries_for(client, q)
        assert count <= 12, q  # with the session, the user and the time limit


def assert_served(q: str, *, index: str, sqlite_index: str, reader=None):
    found = find(reader or AnonymousUser(), parse(q))
    text = plan(found.bookmarks.select_related("page", "user").order_by("-created_at", "-pk")[:20])
    if connection.vendor == "postgresql":
        assert index in text, text
        assert "Seq Scan" not in text, text
    else:
        assert sqlite_index in text, text
        assert "SCAN bookmarks_bookmark" not in text, text


def test_words_are_looked_up_in_the_full_text_index(user):
    assert_served(
        "zinnia", index="search_entry_vector", sqlite_index="SCAN search_fts VIRTUAL TABLE INDEX"
    )
    assert_served(
        '"zinnia passage" 架构 -x',
        index="search_entry_vector",
        sqlite_index="SCAN search_fts VIRTUAL TABLE INDEX",
    )


def test_a_tag_alone_is_read_from_the_tag_index(garden):
    garden[1](1)
    assert_served("#flowers", index="bookmarktag", sqlite_index="bookmarktag_tag")


def test_a_group_alone_is_read_from_its_items(garden):
    owner, _ = garden
    assert_served(
        "group:garden", index="groupshare", sqlite_index="groupshare_1 (item_id=?)", reader=owner
    )


def test_a_person_alone_is_read_from_their_bookmarks(garden):
    assert_served(
        "user:gardener", index="bookmark_user_created", sqlite_index="bookmark_user_created"
    )


@pytest.fixture
def zinnias(monkeypatch, library):
    """Twelve matches in 24 entries, saved out of time order (so entry order
    and id order differ), with a limit of 5 and looks among the newest 3 and
    8 entries: the reader, what they find, and every match by the plain sort."""
    monkeypatch.setattr(selectors, "COUNT_LIMIT", 5)
    monkeypatch.setattr(selectors, "RECENT_ENTRIES", (3, 8))
    owner = UserFactory()
    for n in range(24):
        when = BASE_TIME + timedelta(days=(n * 7) % 24)
        library.save(owner, title="zinnia" if n % 2 else "aster", created_at=when)
    found = find(owner, parse("zinnia"))
    everything = list(found.bookmarks.order_by("-created_at", "-pk").values_list("pk", flat=True))
    return found, everything


def test_a_common_words_page_from_the_newest_entries_is_the_right_page(zinnias):
    """Pages read among the newest entries, or from every match when they do
    not hold the page, are the pages a plain sort gives."""
    found, everything = zinnias
    count = count_of(found)
    assert count == 6 and len(everything) == 12  # counted up to the limit, plus one
    for per_page in (1, 2, 3):
        shown = min(count, selectors.COUNT_LIMIT)
        for number in range(1, -(-shown // per_page) + 1):
            window = Window(number=number, per_page=per_page, count=shown)
            page = page_of(found, window, count=count)
            expected = everything[window.offset : window.end_index]
            assert [hit.pk for hit in page] == expected, (per_page, number)


@pytest.mark.parametrize("kept", ["too new", "too old", "none"])
def test_a_kept_time_of_the_newest_entries_never_changes_a_page(monkeypatch, zinnias, kept):
    """The time of the Nth newest entry is kept for a minute; whatever time
    is kept (entries added or deleted since), every page is the plain sort's."""
    found, everything = zinnias
    times = {
        "too new": BASE_TIME + timedelta(days=30),
        "too old": BASE_TIME - timedelta(days=30),
        "none": None,
    }
    for size in selectors.RECENT_ENTRIES:
        monkeypatch.setitem(selectors._recent_times, size, (time.monotonic() + 60, times[kept]))
    for number in range(1, 7):
        window = Window(number=number, per_page=1, count=6)
        page = page_of(found, window, count=6)
        assert [hit.pk for hit in page] == everything[window.offset : window.end_index], number


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL time limit")
@pytest.mark.parametrize("slow", ["the count", "the page"])
def test_a_search_that_runs_too_long_is_stopped_with_a_message(client, monkeypatch, user, slow):
    """The count and the page read from every match run under the limit: a
    statement that outlasts it is cancelled by PostgreSQL and the reader is
    told to narrow the search."""
    monkeypatch.setattr(selectors, "TIME_LIMIT_MS", 50)
    BookmarkFactory(user=user, is_private=False)
    # Every row the database looks at costs it a fifth of a second.
    slow_rows = Bookmark.objects.extra(where=["pg_sleep(0.2) IS NOT NULL"])  # noqa: S610
    monkeypatch.setattr("search.views.find", lambda reader, query: Found(slow_rows))
    if slow == "the page":
        monkeypatch.setattr("search.views.remembered_count", lambda reader, query: 1)
    response = search(client, "#anything")
    assert response.status_code == 200
    assert "That search took too long." in response.content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL time limit")
def test_a_common_words_page_among_the_newest_entries_sets_no_time_limit(
    client, monkeypatch, library
):
    """The look among the newest entries is bounded: it pays for no limit
    (a transaction and a setting), which only the unbounded reads need."""
    monkeypatch.setattr(selectors, "RECENT_ENTRIES", (21, 50))
    owner = UserFactory()
    for _ in range(22):
        library.save(owner, title="zinnia")
    client.force_login(owner)
    # As when this reader's search found more than the limit a moment ago.
    more = selectors.COUNT_LIMIT + 1
    monkeypatch.setattr("search.views.remembered_count", lambda reader, query: more)
    with CaptureQueriesContext(connection) as captured:
        assert len(result_ids(search(client, "zinnia"))) == 20
    assert not [q for q in captured if "statement_timeout" in q["sql"]]


def test_the_time_limit_lets_other_errors_through(db):
    with pytest.raises(ZeroDivisionError), time_limit():
        1 / 0  # noqa: B018
    with pytest.raises(TooSlow):
        raise TooSlow
