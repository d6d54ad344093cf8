"""The ``pinboard`` package from PyPI, unchanged but for its endpoint, against
a live server: what it writes lands in our database and on our pages, and
what it reads back is what we hold."""

import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime

import pinboard
import pinboard.pinboard
import pytest
from django.core.cache import cache

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import save_bookmark
from interchange.pinboard.tokens import get_or_issue_token

ARTICLE = "https://example.org/文章/architecture?lang=zh"
NOTES = "https://example.org/notes"


@pytest.fixture
def api(live_server, monkeypatch, transactional_db):
    # Only loopback traffic: no proxy from the environment in between.
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(pinboard.pinboard, "PINBOARD_API_ENDPOINT", f"{live_server.url}/api/v1/")
    cache.clear()
    user = UserFactory(username="wen", display_name="文 先生")
    client = pinboard.Pinboard(get_or_issue_token(user=user).full_token)
    client.user = user
    return client


def page(live_server, path: str) -> str:
    url = live_server.url + urllib.parse.quote(path)
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (our own server)
        return response.read().decode("utf-8")


def test_add_read_rename_and_delete(api, live_server):
    user = api.user
    assert api.posts.add(
        url=ARTICLE,
        description="系統架構 & <design>",
        extended="Why boundaries matter.\nSecond line.",
        tags=["架構", "design", "machine_learning"],
        dt=datetime(2021, 3, 4, 5, 6, 7),
        shared=True,
        toread=True,
    )
    assert api.posts.add(url=NOTES, description="My notes", tags=["private"], shared=False)

    # In the database, as our own bookmarks.
    bookmark = Bookmark.objects.get(user=user, url=ARTICLE)
    assert bookmark.title == "系統架構 & <design>"
    assert bookmark.description == "Why boundaries matter.\nSecond line."
    assert sorted(t.name for t in bookmark.tags.all()) == ["design", "machine_learning", "架構"]
    assert bookmark.to_read and not bookmark.is_private
    assert bookmark.created_at.isoformat() == "2021-03-04T05:06:07+00:00"
    assert Bookmark.objects.get(user=user, url=NOTES).is_private
    # The save asked for a snapshot, which a worker (eager here) then took on.
    assert Snapshot.objects.filter(page=bookmark.page).exists()

    # Read back through the client.
    found = api.posts.get(url=ARTICLE)
    (post,) = found["posts"]
    assert (post.url, post.description, post.extended) == (
        ARTICLE,
        "系統架構 & <design>",
        "Why boundaries matter.\nSecond line.",
    )
    assert sorted(post.tags) == ["design", "machine_learning", "架構"]
    assert post.shared and post.toread
    assert post.time == datetime(2021, 3, 4, 5, 6, 7)
    (private,) = api.posts.get(url=NOTES)["posts"]
    assert not private.shared and not private.toread
    assert [p.url for p in api.posts.recent(count=5)["posts"]] == [NOTES, ARTICLE]
    assert [p.url for p in api.posts.all(tag=["design"])] == [ARTICLE]
    assert api.posts.dates()["dates"][datetime(2021, 3, 4).date()] == 1
    assert isinstance(api.posts.update(), datetime)
    tags = {tag.name: tag.count for tag in api.tags.get()}
    assert tags == {"design": 1, "machine_learning": 1, "private": 1, "架構": 1}

    # On the owner's public page: the shared one only.
    library = page(live_server, f"/u/{user.username}/")
    assert "系統架構 &amp; &lt;design&gt;" in library
    assert "My notes" not in library

    # Rename a tag: the bookmark and its tag page follow.
    assert api.tags.rename(old="design", new="architecture")
    assert sorted(t.name for t in bookmark.tags.all()) == [
        "architecture",
        "machine_learning",
        "架構",
    ]
    assert "系統架構" in page(live_server, f"/u/{user.username}/tags/architecture/")
    assert "design" not in {tag.name for tag in api.tags.get()}

    # A bookmark read and saved back through the client keeps what it had.
    (post,) = api.posts.get(url=ARTICLE)["posts"]
    post.description = "System architecture"
    assert post.save()
    bookmark.refresh_from_db()
    assert bookmark.title == "System architecture"
    assert sorted(t.name for t in bookmark.tags.all()) == [
        "architecture",
        "machine_learning",
        "架構",
    ]

    # Delete: gone from the database and the page; a second delete is an error.
    assert api.posts.delete(url=ARTICLE)
    assert not Bookmark.objects.filter(url=ARTICLE).exists()
    assert "System architecture" not in page(live_server, f"/u/{user.username}/")
    with pytest.raises(pinboard.PinboardError, match="item not found"):
        api.posts.delete(url=ARTICLE)


def test_replace_no_and_the_users_other_bookmarks(api):
    save_bookmark(user=api.user, url=NOTES, title="Mine", snapshot=False)
    stranger = UserFactory()
    save_bookmark(user=stranger, url=ARTICLE, title="Theirs", is_private=True, snapshot=False)
    with pytest.raises(pinboard.PinboardError, match="item already exists"):
        api.posts.add(url=NOTES, description="Again", replace=False)
    assert [b.url for b in api.posts.all()] == [NOTES]
    assert api.posts.get(url=ARTICLE)["posts"] == []


def test_a_wrong_token_is_an_authentication_error(api):
    client = pinboard.Pinboard("wen:NOT-THE-TOKEN")
    with pytest.raises(pinboard.PinboardAuthenticationError) as raised:
        client.posts.recent()
    assert raised.value.code == 401
    raised.value.close()  # the error holds the response open


def test_a_bad_parameter_is_an_http_error_not_a_crash(api):
    with pytest.raises(urllib.error.HTTPError) as raised:
        api.posts.add(url="not a url", description="x")
    assert raised.value.code == 400
    raised.value.close()
