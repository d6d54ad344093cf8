"""Feed URLs: tags in any casing (301 to the stored one), unicode tags, slugs
and names, and 404 for what does not exist."""

import pytest
from django.urls import reverse

from bookmarks.services import get_or_create_tags
from groups.models import Group

from .reading import (
    ALL_NAMES,
    GROUP_NAMES,
    GROUP_TAG_NAMES,
    USER_TAG_NAMES,
    entries,
    feed_url,
    parse,
    read,
    self_link,
)

pytestmark = pytest.mark.django_db

TAG_NAMES = GROUP_TAG_NAMES + USER_TAG_NAMES


@pytest.mark.parametrize("name", TAG_NAMES)
def test_another_casing_of_a_tag_redirects_to_the_stored_one(client, world, name):
    w = world()
    w.item(tags=("Kubernetes",))
    response = client.get(feed_url(name, w, tag="KUBERNETES") + "?x=1")
    assert response.status_code == 301
    assert response["Location"] == feed_url(name, w, tag="Kubernetes") + "?x=1"


@pytest.mark.parametrize("name", GROUP_TAG_NAMES)
def test_the_redirect_keeps_the_token_and_shows_nothing_to_strangers(client, world, name):
    w = world(visibility=Group.Visibility.PRIVATE)
    w.item(tags=("Kubernetes",))
    token = w.member.feed_token
    response = client.get(feed_url(name, w, tag="kubernetes", token=token))
    assert response.status_code == 301
    assert response["Location"] == feed_url(name, w, tag="Kubernetes", token=token)
    assert client.get(response["Location"]).status_code == 200
    # A stranger learns nothing, not even that the tag is spelt otherwise.
    assert client.get(feed_url(name, w, tag="kubernetes")).status_code == 404


@pytest.mark.parametrize("name", TAG_NAMES)
def test_an_unknown_tag_is_404(client, world, name):
    w = world()
    w.item()
    assert client.get(feed_url(name, w, tag="never-used")).status_code == 404


@pytest.mark.parametrize("name", TAG_NAMES)
def test_a_known_tag_without_items_is_an_empty_feed(client, world, name):
    w = world()
    w.item()
    get_or_create_tags(["elsewhere"])
    assert entries(parse(client.get(feed_url(name, w, tag="elsewhere")))) == []


@pytest.mark.parametrize("name", ALL_NAMES)
def test_an_unknown_group_or_user_is_404(client, world, name):
    w = world()
    w.item()
    w.group.slug = "gone"
    w.owner.username = "nobody"
    assert client.get(feed_url(name, w)).status_code == 404


@pytest.mark.parametrize("name", TAG_NAMES)
@pytest.mark.parametrize("tag", ["架構", "machine learning", "C++ & Rust?#"])
def test_unicode_and_spaced_tags_work_percent_encoded(client, world, name, tag):
    w = world()
    w.item(tags=(tag,), title="Tagged")
    url = feed_url(name, w, tag=tag)
    assert "%" in url and " " not in url
    root = parse(client.get(url))
    (entry,) = entries(root)
    assert entry.title == "Tagged" and entry.categories == [tag]
    assert self_link(root) == "http://testserver" + url


def test_a_literal_percent_encoded_url_works(client, world):
    w = world()
    w.item(tags=("machine learning",), title="Spaced")
    (entry,) = read(client, "/groups/reading/tags/machine%20learning/rss/")
    assert entry.title == "Spaced"
    (entry,) = read(client, "/groups/reading/tags/machine%20learning/atom/")
    assert entry.title == "Spaced"
    response = client.get("/groups/reading/tags/Machine%20Learning/rss/")
    assert response.status_code == 301
    assert response["Location"] == "/groups/reading/tags/machine%20learning/rss/"


@pytest.mark.parametrize("name", GROUP_NAMES + GROUP_TAG_NAMES)
def test_a_unicode_slug_works(client, world, name):
    w = world(slug="字體排版", name="字體與排版")
    item = w.item(tags=("字型",), title="明體")
    url = feed_url(name, w, tag="字型")
    assert url.startswith("/groups/%E5%AD%97%E9%AB%94%E6%8E%92%E7%89%88/")
    root = parse(client.get(url))
    (entry,) = entries(root)
    assert entry.title == "明體"
    assert entry.guid == "http://testserver" + reverse("groups:item", args=[w.group.slug, item.pk])
    assert "%E5%AD%97" in entry.guid
    assert self_link(root) == "http://testserver" + url
    assert "字體與排版" in "".join(root.itertext())
