"""Reading feeds as a feed reader would: parsed XML, one dict per item."""

from dataclasses import dataclass

from django.urls import reverse
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
GROUP_NAMES = ("feeds:group_rss", "feeds:group_atom")
GROUP_TAG_NAMES = ("feeds:group_tag_rss", "feeds:group_tag_atom")
USER_NAMES = ("feeds:user_rss", "feeds:user_atom")
USER_TAG_NAMES = ("feeds:user_tag_rss", "feeds:user_tag_atom")
ALL_NAMES = GROUP_NAMES + GROUP_TAG_NAMES + USER_NAMES + USER_TAG_NAMES


@dataclass
class Entry:
    title: str
    link: str
    guid: str
    author: str
    categories: list[str]
    #: The item's description: HTML, as text of the XML element.
    description: str
    date: str


def is_atom(name: str) -> bool:
    return name.endswith("_atom")


def feed_url(name: str, world, *, tag: str = "architecture", token: str | None = None) -> str:
    """The URL of the named feed for this world's group, or its owner."""
    if name in GROUP_NAMES:
        args = [world.group.slug]
    elif name in GROUP_TAG_NAMES:
        args = [world.group.slug, tag]
    elif name in USER_NAMES:
        args = [world.owner.username]
    else:
        args = [world.owner.username, tag]
    url = reverse(name, args=args)
    return f"{url}?token={token}" if token else url


def parse(response):
    """The feed's root element; fails unless it is a 200 of well-formed XML."""
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith(("application/rss+xml", "application/atom+xml"))
    return etree.fromstring(response.content)


def entries(root) -> list[Entry]:
    if root.tag == f"{ATOM}feed":
        return [_atom_entry(entry) for entry in root.iter(f"{ATOM}entry")]
    return [_rss_item(item) for item in root.iter("item")]


def _rss_item(item) -> Entry:
    return Entry(
        title=item.findtext("title"),
        link=item.findtext("link"),
        guid=item.findtext("guid"),
        author=item.findtext(f"{DC}creator"),
        categories=[c.text for c in item.findall("category")],
        description=item.findtext("description"),
        date=item.findtext("pubDate"),
    )


def _atom_entry(entry) -> Entry:
    return Entry(
        title=entry.findtext(f"{ATOM}title"),
        link=entry.find(f"{ATOM}link[@rel='alternate']").get("href"),
        guid=entry.findtext(f"{ATOM}id"),
        author=entry.findtext(f"{ATOM}author/{ATOM}name"),
        categories=[c.get("term") for c in entry.findall(f"{ATOM}category")],
        description=entry.findtext(f"{ATOM}summary"),
        date=entry.findtext(f"{ATOM}updated"),
    )


def read(client, url) -> list[Entry]:
    return entries(parse(client.get(url)))


def self_link(root) -> str:
    """The feed's own address as the feed states it (RSS's atom:link or Atom's link)."""
    (link,) = root.xpath("//*[local-name()='link'][@rel='self']")
    return link.get("href")
