"""Whatever people write reaches a feed as text: never as markup in the XML,
nor in the HTML of an item's description."""

import lxml.html
import pytest
from lxml import etree

from annotations.services import add_note

from .reading import (
    ALL_NAMES,
    GROUP_NAMES,
    GROUP_TAG_NAMES,
    USER_NAMES,
    USER_TAG_NAMES,
    entries,
    feed_url,
    parse,
)

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT} {IMG} javascript:alert(1) {{{{7*7}}}}"
#: A tag cannot hold a slash, so it carries the rest.
TAG = f"{IMG} javascript:alert(1) {{{{7*7}}}}"


@pytest.fixture
def hostile(world):
    w = world(name=PAYLOAD, description=PAYLOAD, owner_name=PAYLOAD)
    w.member.display_name = PAYLOAD
    w.member.save()
    item = w.item(
        title=PAYLOAD,
        description=PAYLOAD,
        tags=(TAG,),
        highlights=1,
        notes=1,
        discussion=1,
        quote=PAYLOAD,
        note=PAYLOAD,
        reply=PAYLOAD,
    )
    add_note(bookmark=item.shares.get().bookmark, text=PAYLOAD)
    return w


def test_the_payload_is_what_we_think():
    assert "{{7*7}}" in PAYLOAD and "/" not in TAG


@pytest.mark.parametrize("name", ALL_NAMES)
def test_hostile_text_is_literal_in_every_feed(client, hostile, name):
    root = parse(client.get(feed_url(name, hostile, tag=TAG)))
    # Only the feed vocabulary is markup in the XML itself.
    assert not list(root.iter("script", "img"))
    texts = [text for text in root.itertext() if text.strip()]
    title = texts[0]
    assert PAYLOAD in title  # the group's name, or the owner's display name
    if name in GROUP_TAG_NAMES + USER_TAG_NAMES:
        assert TAG in title
    if name in GROUP_NAMES:
        assert PAYLOAD in texts  # the group's description, as the channel's
    (entry,) = entries(root)
    assert entry.title == PAYLOAD
    assert entry.author == PAYLOAD
    assert entry.categories == [TAG]

    html = lxml.html.fragment_fromstring(entry.description, create_parent="div")
    assert not list(html.iter("script", "img"))
    for element in html.iter():
        assert {attribute for attribute in element.attrib} <= {"href"}
        assert not element.get("href", "http").startswith("javascript")
    text = html.text_content()
    # Highlight, description, two notes and their author; a signed reply in groups.
    expected = 8 if name in GROUP_NAMES + GROUP_TAG_NAMES else 6
    assert text.count(SCRIPT) == expected
    assert text.count(IMG) == expected
    assert text.count("{{7*7}}") == expected
    # Notes are signed with their author's display name, as text too.
    assert f"{PAYLOAD}: {PAYLOAD}" in text


@pytest.mark.parametrize("name", USER_NAMES + GROUP_NAMES)
def test_the_xml_holds_the_description_escaped_once_more(client, hostile, name):
    """The HTML is text inside the XML: its tags are escaped, and the user's
    own "<" is escaped twice (&amp;lt;), so no reader can mistake it."""
    body = client.get(feed_url(name, hostile)).content.decode()
    assert "&lt;blockquote&gt;" in body
    assert "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;" in body
    assert "<script>" not in body
    etree.fromstring(body.encode())
