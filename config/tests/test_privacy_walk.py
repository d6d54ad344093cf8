"""Every URL that takes a group, item, user, bookmark or snapshot, walked as
people who must not see a private group's content.

The patterns come from the URL resolver, so a new page or feed is walked the
day it is added. Surfaces about one private object answer 404; surfaces about
a person (their library, their feeds) answer, but without a word of the
private group's content."""

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.models import Snapshot
from bookmarks.services import save_bookmark
from groups.models import Group, Membership
from groups.services import add_group_note, add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

SECRET = "zebra-secret"
#: Parameters that name one object; a pattern with one of these is walked.
OBJECT_PARAMETERS = {
    "slug",
    "item_id",
    "username",
    "bookmark_id",
    "snapshot_id",
    "highlight_id",
    "group_note_id",
}
#: Surfaces about a person answer 200 for anyone; the others 404.
PERSON_PARAMETERS = {"username"}


def walk(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from walk(entry, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if getattr(entry.callback, "is_write_endpoint", False):
                # Writes are walked by test_write_endpoints and each app's
                # access tests: sign-in first, then 404 for what is hidden.
                continue
            yield f"{prefix}{entry.name}", set(entry.pattern.converters)


def object_patterns():
    return sorted((name, params) for name, params in walk() if params & OBJECT_PARAMETERS)


@pytest.fixture
def private_world():
    owner = UserFactory(username="keeper", display_name="Keeper")
    group = create_group(
        name=f"Night shift {SECRET}-group",
        slug="night-shift",
        created_by=owner,
        visibility=Group.Visibility.PRIVATE,
        description=f"{SECRET}-description",
    )
    former = UserFactory(username="former")
    add_member(group=group, user=former)
    former_token = former.feed_token
    bookmark, _ = save_bookmark(
        user=owner,
        url="https://example.org/incident",
        title=f"Incident {SECRET}-title",
        description=f"{SECRET}-bookmark-description",
        tag_names=["incident"],
        is_private=True,
    )
    highlight = add_highlight(bookmark=bookmark, quote=f"{SECRET}-highlight")
    add_note(bookmark=bookmark, highlight=highlight, text=f"{SECRET}-sticky")
    item = share_bookmark(bookmark=bookmark, group=group)
    add_group_note(item=item, author=former, text=f"{SECRET}-discussion")
    reply = add_group_note(item=item, author=former, highlight=highlight, text=f"{SECRET}-reply")
    snapshot = Snapshot.objects.create(page=bookmark.page, status=Snapshot.Status.OK)
    snapshot.html.save("x.html", ContentFile(f"<p>{SECRET}-cached</p>".encode()), save=True)
    Membership.objects.filter(group=group, user=former).delete()
    return {
        "values": {
            "slug": group.slug,
            "item_id": item.pk,
            "username": owner.username,
            "bookmark_id": bookmark.pk,
            "snapshot_id": snapshot.pk,
            "highlight_id": highlight.pk,
            "group_note_id": reply.pk,
            "tag": "incident",
        },
        "former": former,
        "former_token": former_token,
    }


def test_the_walk_covers_the_surfaces_we_know():
    names = {name for name, _params in object_patterns()}
    expected = {
        "groups:detail",
        "groups:tag",
        "groups:item",
        "groups:visit",
        "feeds:group_rss",
        "feeds:group_atom",
        "feeds:group_tag_rss",
        "feeds:group_tag_atom",
        "feeds:user_rss",
        "feeds:user_atom",
        "feeds:user_tag_rss",
        "feeds:user_tag_atom",
        "bookmarks:user",
        "bookmarks:user_tag",
        "bookmarks:detail",
        "bookmarks:cached",
        "bookmarks:cached_frame",
        "export:group_html",
        "export:group_csv",
        "annotations:read_bookmark",
        "annotations:read_item",
        "webanno:highlight",
        "webanno:reply",
        "webanno:bookmark",
        "webanno:group",
        "webanno:user",
    }
    assert expected <= names, expected - names


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former member"])
def test_private_group_content_is_hidden_on_every_surface(client, private_world, who):
    if who == "stranger":
        client.force_login(UserFactory())
    elif who == "former member":
        client.force_login(private_world["former"])
    values = private_world["values"]
    walked = 0
    for name, params in object_patterns():
        url = reverse(name, kwargs={param: values[param] for param in params})
        for query in ("", f"?token={private_world['former_token']}"):
            response = client.get(url + query)
            walked += 1
            body = response.content.decode("utf-8", "replace")
            assert SECRET not in body, f"{url}{query} shows private content to {who}"
            if params & PERSON_PARAMETERS and not params - PERSON_PARAMETERS - {"tag"}:
                assert response.status_code in (200, 301, 404), (url, response.status_code)
            else:
                assert response.status_code == 404, (url + query, response.status_code)
    assert walked >= 2 * 16


def test_members_do_see_it(client, private_world):
    """The walk above would pass on a site that shows nothing: check that a
    member reaches the same content through the same URLs."""
    member = UserFactory()
    group = Group.objects.get(slug="night-shift")
    add_member(group=group, user=member)
    client.force_login(member)
    values = private_world["values"]
    for name in ("groups:detail", "groups:item"):
        params = dict(object_patterns())[name]
        response = client.get(reverse(name, kwargs={p: values[p] for p in params}))
        assert response.status_code == 200 and SECRET in response.content.decode()
    rss = reverse("feeds:group_rss", kwargs={"slug": "night-shift"})
    response = client.get(f"{rss}?token={member.feed_token}")
    assert response.status_code == 200 and SECRET in response.content.decode()
