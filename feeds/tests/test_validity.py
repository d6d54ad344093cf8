"""Feeds follow the rules the W3C feed validator checks, and carry what a
reader needs: permalinks, authors, tags, dates and the annotations."""

from datetime import datetime
from email.utils import parsedate_to_datetime

import pytest
from django.urls import reverse
from lxml import etree

from annotations.services import add_note
from bookmarks.services import get_or_create_tags

from .reading import (
    ALL_NAMES,
    ATOM,
    GROUP_NAMES,
    GROUP_TAG_NAMES,
    USER_NAMES,
    entries,
    feed_url,
    is_atom,
    parse,
    read,
)

pytestmark = pytest.mark.django_db

RSS_NAMES = [name for name in ALL_NAMES if not is_atom(name)]
ATOM_NAMES = [name for name in ALL_NAMES if is_atom(name)]


@pytest.fixture
def filled(world):
    w = world()
    w.item(highlights=2, notes=1, discussion=1, tags=("architecture", "design"))
    w.item(highlights=1, tags=("architecture",))
    w.item(tags=("architecture",))
    return w


@pytest.mark.parametrize("name", RSS_NAMES)
def test_rss_has_what_the_validator_requires(client, filled, name):
    root = parse(client.get(feed_url(name, filled)))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title").strip()
    assert channel.findtext("link").startswith("http://testserver/")
    assert channel.findtext("description").strip()
    (self_link,) = channel.findall(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver" + feed_url(name, filled)
    parsedate_to_datetime(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    assert len(items) == 3
    for item in items:
        guid = item.find("guid")
        assert guid.get("isPermaLink") == "true"
        assert guid.text.startswith("http://testserver/")
        assert item.findtext("link") == guid.text
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
    assert len({item.findtext("guid") for item in items}) == 3


@pytest.mark.parametrize("name", ATOM_NAMES)
def test_atom_has_what_the_validator_requires(client, filled, name):
    root = parse(client.get(feed_url(name, filled)))
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}id").startswith("http://testserver/")
    assert root.findtext(f"{ATOM}title").strip()
    datetime.fromisoformat(root.findtext(f"{ATOM}updated"))
    (self_link,) = root.findall(f"{ATOM}link[@rel='self']")
    assert self_link.get("href") == "http://testserver" + feed_url(name, filled)
    found = root.findall(f"{ATOM}entry")
    assert len(found) == 3
    for entry in found:
        assert entry.findtext(f"{ATOM}id").startswith("http://testserver/")
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}updated")).tzinfo is not None
        assert datetime.fromisoformat(entry.findtext(f"{ATOM}published")).tzinfo is not None
        assert entry.findtext(f"{ATOM}author/{ATOM}name").strip()
        assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert len({entry.findtext(f"{ATOM}id") for entry in found}) == 3


@pytest.mark.parametrize("name", ALL_NAMES)
def test_an_empty_feed_is_valid_and_stable(client, world, name):
    w = world()
    get_or_create_tags(["architecture"])
    first = client.get(feed_url(name, w))
    assert entries(parse(first)) == []
    # An empty feed's date is fixed (not "now"), so its ETag holds still.
    assert client.get(feed_url(name, w))["ETag"] == first["ETag"]


@pytest.mark.parametrize("name", GROUP_NAMES + GROUP_TAG_NAMES)
def test_group_items_carry_title_permalink_sharer_tags_and_annotations(client, world, name):
    w = world()
    item = w.item(
        highlights=2,
        notes=1,
        discussion=1,
        tags=("architecture", "design"),
        title="On layering",
        description="Read the second half twice.",
    )
    bookmark = item.shares.get().bookmark
    add_note(bookmark=bookmark, text="My note on the whole page")
    w.item(title="Newer")
    (_, entry) = read(client, feed_url(name, w))
    assert entry.title == "On layering"
    permalink = "http://testserver" + reverse("groups:item", args=[w.group.slug, item.pk])
    assert entry.link == entry.guid == permalink
    assert entry.author == "張 旭"
    assert entry.categories == ["architecture", "design"]
    html = etree.HTML(entry.description)
    quotes = [q.text for q in html.iter("blockquote")]
    assert quotes == ["passage 1.1", "passage 1.2", "Read the second half twice."]
    notes = ["".join(li.itertext()) for li in html.findall(".//li/ul/li")]
    assert notes == [
        "張 旭: note 1.1",
        "Mei Chen: reply 1.1",
        "張 旭: note 2.1",
        "Mei Chen: reply 2.1",
    ]
    assert "張 旭: My note on the whole page" in "".join(html.itertext())
    (visit,) = html.iter("a")
    assert visit.get("href") == permalink + "visit/"
    assert visit.text == item.page.url


@pytest.mark.parametrize("name", USER_NAMES)
def test_user_items_link_to_the_bookmark(client, world, name):
    w = world()
    item = w.item(highlights=1, notes=1, discussion=1, description="Why I kept it.")
    bookmark = item.shares.get().bookmark
    (entry,) = read(client, feed_url(name, w))
    assert entry.link == entry.guid == f"http://testserver/bookmarks/{bookmark.pk}/"
    assert entry.author == "張 旭"
    text = "".join(etree.HTML(entry.description).itertext())
    assert "passage 1.1" in text and "張 旭: note 1.1" in text and "Why I kept it." in text
    # The group's discussion stays in the group.
    assert "reply" not in text


@pytest.mark.parametrize("name", ALL_NAMES)
def test_items_come_newest_first_fifty_at_most(client, world, name):
    w = world()
    for _ in range(51):
        w.item()
    found = read(client, feed_url(name, w))
    assert len(found) == 50
    assert found[0].title == "Reading note 51" and found[-1].title == "Reading note 2"


def test_a_group_feed_shows_each_sharer_under_their_name(client, world):
    w = world()
    item = w.item(highlights=1, url="https://example.org/shared-twice")
    w.item(highlights=1, user=w.member, url="https://example.org/shared-twice")
    assert item.shares.count() == 2
    (entry,) = read(client, feed_url("feeds:group_rss", w))
    text = " ".join(etree.HTML(entry.description).itertext())
    assert "張 旭’s annotations" in text and "Mei Chen’s annotations" in text
