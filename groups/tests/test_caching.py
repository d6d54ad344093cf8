"""Anonymous readers of public group pages and feeds are served from the
cache; signed-in readers, members-only groups and personal requests never
are; feeds answer conditional GET from it; view counts do not retire it;
and a change made by another process reaches it at once."""

import os
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.services import add_note
from groups import caching
from groups.models import Group, GroupItem
from groups.services import add_group_note, add_member, update_group

from .cached_pages import (
    PAGES,
    SURFACES,
    assert_cached,
    body,
    cached_cost,
    get,
    group_feed,
    group_page,
    item_page,
    make_shelf,
    tag_feed,
    tag_page,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("fresh_cache", "each_anonymous_cache_check"),
]


@pytest.fixture
def shelf(build):
    return make_shelf(build)


@pytest.mark.parametrize("surface", [*SURFACES, item_page])
def test_anonymous_readers_are_served_from_the_cache(client, shelf, surface):
    html = assert_cached(client, surface(shelf))
    assert "The item" in html
    assert "passage 1.1" in html


# --- Who is served from the cache ---------------------------------------------


@pytest.mark.parametrize("surface", SURFACES)
def test_signed_in_readers_are_never_served_from_the_cache(client, shelf, surface):
    """Counts, tags, ids and cards are kept per version (test_card_fragments),
    never a signed-in response: the repeat still reads the reader, the group
    (from a shared cache, checked against its generation) and a page's live
    view counts."""
    client.force_login(shelf.member)
    url = surface(shelf)
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        again = client.get(url)
    assert again.status_code == 200
    tables = " ".join(query["sql"] for query in captured)
    assert '"accounts_user"' in tables
    if not settings.CACHE_SHARED:
        assert 'FROM "groups_group"' in tables
    if surface in PAGES:
        assert '"view_count"' in tables


def test_a_signed_in_page_is_never_served_to_anonymous_readers(client, shelf):
    client.force_login(shelf.member)
    assert "Leave the group" in body(client.get(group_page(shelf)))
    client.logout()
    html = body(client.get(group_page(shelf)))
    assert "Leave the group" not in html and "Sign in to join" in html


def test_a_private_groups_pages_and_feeds_are_never_stored(client, build):
    b = build(visibility=Group.Visibility.PRIVATE, slug="club")
    b.featured = b.item(tags=["architecture", "設計"], title="Members only")
    client.force_login(b.member)
    for surface in [*PAGES, item_page]:
        assert "Members only" in body(client.get(surface(b)))
    token = f"?token={b.member.feed_token}"
    private_feed = client.get(tag_feed(b) + token)
    assert "private" in private_feed["Cache-Control"]
    client.logout()
    for surface in [*SURFACES, item_page]:
        assert client.get(surface(b)).status_code == 404
        assert client.get(surface(b) + token).status_code in (404, 200)
    # Made public behind the cache's back (its version kept): had a member's
    # response been stored under an anonymous key, it would be served now.
    Group.objects.filter(pk=b.group.pk).update(visibility=Group.Visibility.PUBLIC)
    for surface in PAGES:
        assert "Sign out" not in client.get(surface(b)).content.decode()
    public_feed = client.get(tag_feed(b))
    assert "private" not in public_feed.get("Cache-Control", "")


def test_a_feed_with_a_token_is_built_for_its_reader(client, shelf):
    url = tag_feed(shelf)
    assert_cached(client, url)
    _, queries = get(client, f"{url}?token={shelf.member.feed_token}")
    assert queries > 2


@pytest.mark.parametrize("query", ["?utm_source=x", "?page=1&page=1", "?page=abc"])
def test_other_query_parameters_are_not_cached(client, shelf, query):
    """Told apart by the view count, which changes no version: a stored page
    would still show the old one."""
    url = tag_page(shelf) + query
    first = client.get(url)
    GroupItem.objects.filter(pk=shelf.featured.pk).update(view_count=7)
    again = client.get(url)
    assert again.status_code == first.status_code
    if first.status_code == 200:
        assert "- 7 views" in body(again)


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client, shelf):
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse
    from django.test import RequestFactory

    url = tag_page(shelf)
    assert_cached(client, url)
    # A message left in the visitor's cookie, as after signing out.
    storage = CookieStorage(RequestFactory().get("/"))
    response = HttpResponse()
    storage._store(["You have signed out."], response)
    client.cookies[storage.cookie_name] = response.cookies[storage.cookie_name].value
    html = body(client.get(url))
    assert "You have signed out." in html
    client.cookies.pop(storage.cookie_name)
    assert "You have signed out." not in assert_cached(client, url)


@pytest.mark.parametrize(
    "cookie, value",
    [("time_zone", "Pacific/Pago_Pago"), (settings.LANGUAGE_COOKIE_NAME, "zh-hant")],
    ids=["time zone", "language"],
)
@pytest.mark.parametrize("surface", PAGES)
def test_each_time_zone_and_language_has_its_own_page(client, shelf, surface, cookie, value):
    """Dates show in the reader's zone (UTC-11 here: the day before) and
    words in their language: a page cached for one reader is never served
    to another."""
    from bs4 import BeautifulSoup

    def shown(response) -> tuple:
        html = BeautifulSoup(body(response), "lxml")
        return [t.get_text() for t in html.select("time")], html.select_one("h1").get_text()

    url = surface(shelf)
    in_utc_and_english = shown(client.get(url))
    assert_cached(client, url)
    client.cookies[cookie] = value
    theirs = shown(client.get(url))
    assert theirs == shown(client.get(url + "?per_page=20"))  # a key of its own: rendered anew
    assert theirs != in_utc_and_english
    assert get(client, url)[1] == cached_cost()  # cached in its turn


def test_a_head_request_is_served_like_a_get(client, shelf):
    url = tag_page(shelf)
    assert_cached(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert client.head(url).status_code == 200
    assert len(queries) == cached_cost()


# --- View counts ----------------------------------------------------------------


def test_view_counts_do_not_retire_cached_pages(client, shelf, monkeypatch):
    monkeypatch.setattr(caching, "PAGE_TTL", 1)
    url = tag_page(shelf)
    assert "- 0 views" in assert_cached(client, url)
    version = Group.objects.get(pk=shelf.group.pk).version
    visit = reverse("groups:visit", args=[shelf.group.slug, shelf.featured.pk])
    assert client.get(visit).status_code == 302
    assert Group.objects.get(pk=shelf.group.pk).version == version
    # Anonymous: the cached page, with the count it had…
    assert "- 0 views" in body(client.get(url))
    # …signed in: the count as it is.
    client.force_login(shelf.member)
    assert "- 1 view" in body(client.get(url))
    client.logout()
    # The anonymous page is no older than PAGE_TTL.
    time.sleep(1.1)
    assert "- 1 view" in body(client.get(url))


def test_view_counts_never_reach_feeds(client, shelf):
    url = tag_feed(shelf)
    first = client.get(url)
    client.get(reverse("groups:visit", args=[shelf.group.slug, shelf.featured.pk]))
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


# --- Conditional GET from the cache ---------------------------------------------


@pytest.mark.parametrize("surface", [tag_feed, group_feed])
def test_feeds_answer_304_from_the_cache(client, shelf, surface):
    url = surface(shelf)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    for headers in ({"If-None-Match": etag}, {"If-Modified-Since": modified}):
        response, queries = get(client, url, **headers)
        assert response.status_code == 304 and queries == cached_cost()
        assert (response["ETag"], response["Last-Modified"]) == (etag, modified)
    add_group_note(item=shelf.featured, author=shelf.member, text="Late")
    changed, _ = get(client, url, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert "Late" in body(changed)
    assert get(client, url, **{"If-None-Match": changed["ETag"]})[0].status_code == 304


def test_a_change_elsewhere_in_the_group_keeps_a_feeds_etag(client, shelf):
    """A new version re-renders the feed; a body that did not change keeps
    its ETag and Last-Modified, so readers still get 304."""
    url = tag_feed(shelf)
    first = client.get(url)
    shelf.item(tags=["elsewhere"], title="Not in this feed")
    response, queries = get(client, url, **{"If-None-Match": first["ETag"]})
    assert queries > 1  # rebuilt for the new version…
    assert response.status_code == 304  # …and still the reader's copy
    assert response["Last-Modified"] == first["Last-Modified"]


# --- Membership and counts ------------------------------------------------------


def test_membership_changes_retire_the_groups_pages(client, shelf):
    from accounts.tests.factories import UserFactory

    url = group_page(shelf)
    assert_cached(client, url)
    add_member(group=shelf.group, user=UserFactory())
    assert get(client, url)[1] > 1


def test_counts_follow_the_version(client, shelf):
    client.force_login(shelf.member)
    url = tag_page(shelf)
    assert "1 - 1 of 1" in body(client.get(url))
    shelf.item(tags=["architecture"], title="Second")
    assert "1 - 2 of 2" in body(client.get(url))
    GroupItem.objects.filter(group=shelf.group, page__url__endswith="/2").delete()
    assert "1 - 1 of 1" in body(client.get(url))


# --- Another process --------------------------------------------------------------


def test_a_page_cached_by_one_process_is_served_by_another(client, shelf):
    """With Redis, web processes share what one of them rendered."""
    if "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("a cache in local memory is each process's own")
    url = tag_page(shelf)
    client.get(url)
    with override_settings(CACHES={"default": dict(settings.CACHES["default"])}):
        assert get(client, url)[1] == cached_cost()  # a new client of the same Redis
        add_note(bookmark=shelf.bookmark, text="Seen by the other process")
        assert "Seen by the other process" in body(client.get(url))


CHANGE_IN_ANOTHER_PROCESS = """
import django
django.setup()
from annotations.services import add_note
from bookmarks.models import Bookmark
add_note(bookmark=Bookmark.objects.get(pk={bookmark}), text="Written by another process")
"""


@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_another_process_shows_at_once(client, build):
    """The worker and the web server share only the database: a note written
    by another process, with a cache of its own, retires this one's pages."""
    if connection.vendor != "postgresql":
        pytest.skip("another process cannot open the test database on SQLite")
    from bookmarks.tests.workers import worker_database_url

    b = build()
    item = b.item(tags=["architecture", "設計"], highlights=1)
    url = tag_page(b)
    assert "Written by another process" not in assert_cached(client, url)
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "another-process",
        "ENV_FILE": "/dev/null",
        "FETCH_NETWORK": "off",
    }
    if not settings.CACHE_SHARED:
        env.pop("REDIS_URL", None)  # a cache of its own: local memory
    elif "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        pytest.skip("a generation in local memory cannot reach another process")
    code = CHANGE_IN_ANOTHER_PROCESS.format(bookmark=item.shares.get().bookmark_id)
    subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, check=True, timeout=60
    )
    assert "Written by another process" in body(client.get(url))


def change_group(group, **fields):
    """The group's settings form, changing only ``fields``."""
    current = {
        "name": group.name,
        "slug": group.slug,
        "visibility": group.visibility,
        "description": group.description,
    }
    update_group(group=group, **{**current, **fields})


# --- Privacy and lost generations ----------------------------------------------


@pytest.mark.parametrize("surface", SURFACES)
def test_a_group_made_private_is_hidden_from_anonymous_readers_at_once(client, shelf, surface):
    url = surface(shelf)
    assert_cached(client, url)
    change_group(shelf.group, visibility=Group.Visibility.PRIVATE)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("surface", SURFACES)
def test_a_renamed_groups_old_address_is_not_served_from_the_cache(client, shelf, surface):
    url = surface(shelf)
    assert_cached(client, url)
    change_group(shelf.group, slug="renamed")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("surface", SURFACES)
def test_a_deleted_groups_pages_are_gone_at_once(client, shelf, surface):
    url = surface(shelf)
    assert_cached(client, url)
    Group.objects.filter(pk=shelf.group.pk).delete()
    assert client.get(url).status_code == 404


def test_a_new_group_at_a_freed_slug_never_gets_the_old_ones_pages(client, shelf, build):
    url = tag_page(shelf)
    assert "The item" in assert_cached(client, url)
    change_group(shelf.group, slug="moved")
    newcomer = build(slug="reading", name="Newcomer")
    newcomer.item(tags=["architecture"], title="An item of the newcomer")
    html = body(client.get(url))
    assert "An item of the newcomer" in html and "The item" not in html


def test_a_lost_generation_is_started_afresh_not_reused(client, shelf, settings):
    """The cache may drop a group's generation (eviction, a flush of part of
    it): the next reader starts a new one, so no entry stored before matches."""
    if not settings.CACHE_SHARED:
        pytest.skip("generations are kept only with a shared cache")
    url = tag_page(shelf)
    assert_cached(client, url)
    cache.delete(caching._generation_key(shelf.group.slug))
    _, queries = get(client, url)
    assert queries > 1  # rendered anew…
    assert_cached(client, url)  # …and kept under the new generation


@pytest.mark.parametrize("surface", PAGES)
def test_a_group_made_private_is_hidden_from_signed_in_outsiders_at_once(client, shelf, surface):
    """The group's row may come from a shared cache (caching.group_at): a
    change of visibility retires it with the group's generation."""
    from accounts.tests.factories import UserFactory

    client.force_login(UserFactory())
    url = surface(shelf)
    client.get(url)
    assert client.get(url).status_code == 200
    change_group(shelf.group, visibility=Group.Visibility.PRIVATE)
    assert client.get(url).status_code == 404
    client.force_login(shelf.member)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("surface", [tag_feed, group_feed])
def test_a_304_is_answered_from_the_stored_headers_alone(
    client, shelf, surface, settings, monkeypatch
):
    """With a shared cache, a feed's headers and body are kept apart: a
    reader whose copy is current is answered without the body being read."""
    if not settings.CACHE_SHARED:
        pytest.skip("headers and body are kept apart only with a shared cache")
    url = surface(shelf)
    etag = client.get(url)["ETag"]
    body_keys = []
    original = cache.get_many

    def get_many(keys):
        body_keys.extend(key for key in keys if key.endswith(":body"))
        return original(keys)

    monkeypatch.setattr(cache, "get_many", get_many)
    response, queries = get(client, url, **{"If-None-Match": etag})
    assert response.status_code == 304 and queries == 0
    assert body_keys == []
    response, queries = get(client, url, **{"If-None-Match": '"stale"'})
    assert response.status_code == 200 and queries == 0
    assert len(body_keys) == 1
