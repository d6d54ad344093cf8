"""Imported text may hold characters XML 1.0 cannot carry: they are dropped,
and the feed stays well-formed."""

import pytest
from django.db import connection
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.xmlutils import UnserializableContentError
from lxml import etree

from feeds.generators import AtomFeed, RssFeed
from feeds.text import clean_xml_text

from .reading import ALL_NAMES, feed_url, parse

pytestmark = pytest.mark.django_db

FORBIDDEN = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff\ud800\udfff"


def test_clean_xml_text_drops_exactly_what_xml_cannot_carry():
    assert clean_xml_text(f"a{FORBIDDEN}b") == "ab"
    kept = "tab\there\nnew\rline 架構 🙂 \u2028 \ufffd \U0010fffd"
    assert clean_xml_text(kept) == kept


@pytest.mark.parametrize("generator", [RssFeed, AtomFeed])
def test_the_writers_clean_every_string(generator):
    feed = generator(
        title=f"title{FORBIDDEN}",
        link="http://example.org/",
        description=f"about{FORBIDDEN}",
        subtitle=f"about{FORBIDDEN}",
        feed_url="http://example.org/rss/",
    )
    feed.add_item(
        title=f"item{FORBIDDEN}",
        link="http://example.org/1/",
        description=f"<p>quote{FORBIDDEN}</p>",
        author_name=f"name{FORBIDDEN}",
        categories=[f"tag{FORBIDDEN}"],
        unique_id="http://example.org/1/",
    )
    root = etree.fromstring(feed.writeString("utf-8").encode())
    text = "".join(root.itertext()) + "".join(root.xpath("//@term"))
    for word in ("title", "item", "<p>quote</p>", "name", "tag"):
        assert word in text


def test_djangos_own_writer_would_fail():
    """Why the cleaning exists; if Django ever cleans itself, this tells us."""
    feed = Rss201rev2Feed(title="t", link="http://example.org/", description="d")
    feed.add_item(title="bad\x0b", link="http://example.org/1/", description="d")
    with pytest.raises(UnserializableContentError):
        feed.writeString("utf-8")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_a_feed_of_text_with_control_characters_renders(client, world, name):
    # PostgreSQL text cannot hold NUL at all; the other characters reach the feed.
    stored = "\x08\x0b\x1f\ufffe" + ("" if connection.vendor == "postgresql" else "\x00")
    w = world(name=f"Group{stored}", description=f"About{stored}", owner_name=f"Mei{stored}")
    w.item(
        title=f"Title{stored}",
        description=f"Description{stored}",
        highlights=1,
        notes=1,
        discussion=1,
        quote=f"before{stored}after",
        note=f"Note{stored}",
        reply=f"Reply{stored}",
    )
    root = parse(client.get(feed_url(name, w)))
    text = "".join(root.itertext())
    assert "beforeafter" in text
    assert f"Title{stored}" not in text and "Title" in text
