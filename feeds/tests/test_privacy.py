"""A private group's feeds answer its current members only; to everyone else
they do not exist (404, never 403). User feeds show public bookmarks only."""

import pytest

from accounts.tests.factories import UserFactory
from groups.models import Group, Membership
from groups.services import add_member

from .reading import (
    GROUP_NAMES,
    GROUP_TAG_NAMES,
    USER_NAMES,
    USER_TAG_NAMES,
    entries,
    feed_url,
    parse,
    read,
)

pytestmark = pytest.mark.django_db

PRIVATE_GROUP_FEEDS = GROUP_NAMES + GROUP_TAG_NAMES
SECRET = "night-shift-secret"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


@pytest.fixture
def private(world):
    w = world(visibility=Group.Visibility.PRIVATE, slug="night-shift")
    w.item(title=SECRET, highlights=1, discussion=1, reply=SECRET, is_private=True)
    return w


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_members_token_opens_the_feed(client, private, name):
    (entry,) = read(client, feed_url(name, private, token=private.member.feed_token))
    assert entry.title == SECRET and SECRET in entry.description


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
@pytest.mark.parametrize("who", ["anonymous", "stranger", "stranger's token", "wrong token"])
def test_others_are_told_it_does_not_exist(client, private, name, who):
    token = None
    if who == "stranger":
        client.force_login(UserFactory())
    elif who == "stranger's token":
        token = UserFactory().feed_token
    elif who == "wrong token":
        token = "not-" + private.member.feed_token
    response = client.get(feed_url(name, private, token=token))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_former_members_token_stops_at_once(client, private, name):
    url = feed_url(name, private, token=private.member.feed_token)
    assert client.get(url).status_code == 200
    Membership.objects.filter(group=private.group, user=private.member).delete()
    assert client.get(url).status_code == 404
    client.force_login(private.member)
    assert client.get(feed_url(name, private)).status_code == 404


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_deactivated_members_token_stops(client, private, name):
    private.member.is_active = False
    private.member.save()
    response = client.get(feed_url(name, private, token=private.member.feed_token))
    assert response.status_code == 404


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_signed_in_member_reads_without_a_token(client, private, name):
    client.force_login(private.member)
    response = client.get(feed_url(name, private))
    assert response.status_code == 200 and SECRET in response.content.decode()
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_given_token_wins_over_the_session(client, private, name):
    client.force_login(private.member)
    assert client.get(feed_url(name, private, token="not-a-token")).status_code == 404


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_private_feed_is_never_kept_by_shared_caches(client, private, name):
    response = client.get(feed_url(name, private, token=private.member.feed_token))
    assert cache_control(response) == {"private", "no-cache"}
    assert "Cookie" in response["Vary"]
    # The body names no secret: the self link carries no token.
    assert private.member.feed_token not in response.content.decode()


@pytest.mark.parametrize("name", PRIVATE_GROUP_FEEDS)
def test_a_token_on_a_public_group_is_harmless(client, world, name):
    w = world()
    w.item()
    stranger = UserFactory()
    for token in (stranger.feed_token, "not-a-token"):
        response = client.get(feed_url(name, w, token=token))
        assert response.status_code == 200
        assert cache_control(response) == {"no-cache"}


@pytest.mark.parametrize("name", USER_NAMES + USER_TAG_NAMES)
@pytest.mark.parametrize("who", ["anonymous", "owner", "owner's token", "group member"])
def test_user_feeds_never_show_private_bookmarks(client, private, name, who):
    """The private bookmark is shared into the private group, yet the owner's
    feed is public: nobody sees it there, not even the owner."""
    private.item(title="Out in the open")
    token = None
    if who == "owner":
        client.force_login(private.owner)
    elif who == "owner's token":
        token = private.owner.feed_token
    elif who == "group member":
        add_member(group=private.group, user=private.member)
        client.force_login(private.member)
    response = client.get(feed_url(name, private, token=token))
    assert [entry.title for entry in entries(parse(response))] == ["Out in the open"]
    assert SECRET not in response.content.decode()
