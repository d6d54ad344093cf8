"""Tag intersections: /groups/<slug>/tags/a,b/ lists the items having every
tag, with its own feeds, one URL per set of tags, at most five tags, and a
constant number of queries."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from lxml import etree

from groups.models import Group
from groups.selectors import MAX_TAGS

from .pages import soup, tag_url, text

pytestmark = pytest.mark.django_db


def titles(html) -> list[str]:
    return [text(a) for a in html.select(".item__title a")]


@pytest.fixture
def shelf(build):
    """Items tagged architecture, 設計 or both, and one with a third tag."""
    b = build()
    b.item(tags=["architecture"], title="Only architecture")
    b.item(tags=["設計"], title="Only design")
    b.item(tags=["architecture", "設計"], title="Both, older")
    b.item(tags=["Architecture", "設計", "Kubernetes"], title="All three")
    return b


def test_lists_the_items_having_every_tag_newest_first(client, shelf):
    html = soup(client.get(tag_url(shelf.group, "architecture,設計")))
    assert titles(html) == ["All three", "Both, older"]
    three = soup(client.get(tag_url(shelf.group, "architecture,kubernetes,設計".replace("k", "K"))))
    assert titles(three) == ["All three"]


def test_the_page_is_laid_out_like_the_single_tag_page(client, shelf):
    html = soup(client.get(tag_url(shelf.group, "architecture,設計")))
    crumbs = [text(li) for li in html.select("nav.breadcrumb li")]
    assert crumbs == ["Home", "Reading", "Group items tagged architecture + 設計"]
    assert text(html.select_one("h1")) == "Group items tagged architecture + 設計"
    assert "1 - 2 of 2" in text(html.select_one("nav.pagination"))
    # Each tag on its own page, one click away.
    alone = {text(a): a["href"] for a in html.select(".page-header .tags a")}
    assert alone == {
        "architecture": tag_url(shelf.group, "architecture"),
        "設計": tag_url(shelf.group, "設計"),
    }
    # Its own feeds, linked and discoverable.
    rss = reverse("feeds:group_tag_rss", args=[shelf.group.slug, "architecture,設計"])
    assert html.select_one("head link[type='application/rss+xml']")["href"] == rss
    assert html.find("a", string="RSS feed")["href"] == rss
    assert "," in rss  # a comma is allowed in a path as it is


@pytest.mark.parametrize(
    "asked, canonical",
    [
        ("設計,architecture", "architecture,設計"),  # another order
        ("ARCHITECTURE,設計", "architecture,設計"),  # another casing
        ("ａｒｃｈｉｔｅｃｔｕｒｅ,設計", "architecture,設計"),  # another Unicode form
        ("architecture,,設計,", "architecture,設計"),  # empty names
        ("architecture,Architecture", "architecture"),  # one tag twice
    ],
)
def test_one_url_per_set_of_tags(client, shelf, asked, canonical):
    response = client.get(tag_url(shelf.group, asked, per_page=50))
    assert response.status_code == 301
    assert response["Location"] == tag_url(shelf.group, canonical, per_page=50)
    assert client.get(response["Location"]).status_code == 200


def test_an_unknown_tag_or_too_many_is_404(client, shelf):
    assert client.get(tag_url(shelf.group, "architecture,nowhere")).status_code == 404
    assert client.get(tag_url(shelf.group, ",")).status_code == 404
    for n in range(3, MAX_TAGS + 1):
        shelf.item(tags=[f"t{i}" for i in range(n)], title=f"{n} tags")
    names = ",".join(f"t{i}" for i in range(MAX_TAGS))
    assert titles(soup(client.get(tag_url(shelf.group, names)))) == [f"{MAX_TAGS} tags"]
    too_many = ",".join(f"t{i}" for i in range(MAX_TAGS + 1))
    assert client.get(tag_url(shelf.group, too_many)).status_code == 404


def test_no_item_has_them_all(client, shelf):
    shelf.item(tags=["lonely"])
    html = soup(client.get(tag_url(shelf.group, "lonely,設計")))
    assert "No items in this group are tagged lonely + 設計." in text(html)


def test_a_private_groups_intersection_is_hidden_from_non_members(client, build):
    b = build(visibility=Group.Visibility.PRIVATE, slug="club")
    b.item(tags=["a", "b"])
    page = tag_url(b.group, "a,b")
    feed = reverse("feeds:group_tag_rss", args=[b.group.slug, "a,b"])
    assert client.get(page).status_code == 404
    assert client.get(feed).status_code == 404
    # Another spelling redirects only for those who may see the group.
    assert client.get(tag_url(b.group, "b,a")).status_code == 404
    client.force_login(b.member)
    assert client.get(page).status_code == 200
    assert client.get(feed + f"?token={b.member.feed_token}").status_code == 200


@pytest.mark.parametrize("name", ["feeds:group_tag_rss", "feeds:group_tag_atom"])
def test_its_feeds_list_the_items_having_every_tag(client, shelf, name):
    response = client.get(reverse(name, args=[shelf.group.slug, "architecture,設計"]))
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    found = [e.text for e in root.iter("title", "{http://www.w3.org/2005/Atom}title")]
    assert found == [
        "Group items tagged architecture + 設計 in Reading",
        "All three",
        "Both, older",
    ]
    moved = client.get(reverse(name, args=[shelf.group.slug, "設計,ARCHITECTURE"]) + "?x=1")
    assert moved.status_code == 301
    assert moved["Location"] == reverse(name, args=[shelf.group.slug, "architecture,設計"]) + "?x=1"


def test_every_page_from_either_end(client, build):
    """Pages past the middle are read backwards from the end: every page,
    at every size, still holds the right items."""
    b = build()
    for n in range(1, 48):
        b.item(tags=["a", "b"] if n % 2 else ["a"], title=f"note {n}")
    newest_first = [f"note {n}" for n in range(47, 0, -1) if n % 2]
    for per_page in (10, 20):
        seen = []
        page = 1
        while True:
            response = client.get(tag_url(b.group, "a,b", page=page, per_page=per_page))
            if response.status_code == 404:
                break
            seen += titles(soup(response))
            page += 1
        assert seen == newest_first
    # One tag: the same.
    seen = []
    for page in (1, 2, 3):
        seen += titles(soup(client.get(tag_url(b.group, "a", page=page))))
    assert seen == [f"note {n}" for n in range(47, 0, -1)]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


#: The session's query: none when sessions are read through the cache.
SESSION = 0 if settings.SESSION_ENGINE.endswith("cached_db") else 1
#: The group's query once it was read: none with a shared cache (caching.group_at).
GROUP_AGAIN = 0 if settings.CACHE_SHARED else 1
#: A signed-in reader's first visit: the session and its user, the group,
#: the tags, the slice sizes and the intersection's count, the page's ids,
#: their view counts, the items, then item_cards' five. The tags, the count,
#: the page's ids and the rendered cards are kept with the group's version.
FIRST_VISIT = SESSION + 13


def test_queries_do_not_grow_with_tags_or_items(client, build):
    client.force_login(build(slug="elsewhere").owner)
    small, large = build(slug="small"), build(slug="large")
    small.item(tags=["a", "b"], highlights=1, notes=1)
    names = [f"t{i}" for i in range(MAX_TAGS)]
    for _ in range(25):
        large.item(tags=names, highlights=5, notes=2, discussion=1)
    two = count_queries(client, tag_url(small.group, "a,b"))
    five = count_queries(client, tag_url(large.group, ",".join(names)))
    assert two == five == FIRST_VISIT
    # The tags and the count are remembered until the group changes.
    again = count_queries(client, tag_url(large.group, ",".join(names), page=2))
    assert again == FIRST_VISIT - 3 - (1 - GROUP_AGAIN)
    # So is every other part of the page but the reader, the group (its
    # version and who may read it) and the view counts.
    again = count_queries(client, tag_url(large.group, ",".join(names), page=2))
    assert again == SESSION + GROUP_AGAIN + 2
