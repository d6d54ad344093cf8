"""Every write endpoint for bookmarks, highlights and sticky notes, tried as
an anonymous person, a stranger, a group reader and the owner.

Someone else's bookmark the reader may not see is a 404, one they may see is
a 403; either way nothing changes. The owner's request works."""

from dataclasses import dataclass

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark, BookmarkTag
from bookmarks.services import save_bookmark
from groups.models import Group
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Endpoint:
    name: str
    #: "bookmark", "highlight" or "note": what the URL names.
    target: str
    method: str
    data: dict


ENDPOINTS = [
    Endpoint("bookmarks:edit", "bookmark", "get", {}),
    Endpoint("bookmarks:edit", "bookmark", "post", {"url": "x", "title": "Taken over"}),
    Endpoint("bookmarks:delete", "bookmark", "get", {}),
    Endpoint("bookmarks:delete", "bookmark", "post", {}),
    Endpoint("bookmarks:to_read", "bookmark", "post", {"to_read": "1"}),
    Endpoint("annotations:highlight_add", "bookmark", "post", {"quote": "mine now"}),
    Endpoint("annotations:note_add", "bookmark", "post", {"text": "mine now"}),
    Endpoint("annotations:highlight_colour", "highlight", "post", {"colour": "pink"}),
    Endpoint("annotations:highlight_delete", "highlight", "post", {}),
    Endpoint("annotations:note_edit", "note", "get", {}),
    Endpoint("annotations:note_edit", "note", "post", {"text": "mine now"}),
    Endpoint("annotations:note_delete", "note", "post", {}),
]
IDS = [f"{e.name}-{e.method}" for e in ENDPOINTS]

#: Endpoints that name no object: only the sign-in wall applies here.
OPEN_ENDPOINTS = [
    ("bookmarks:new", "get"),
    ("bookmarks:new", "post"),
    ("bookmarks:library", "get"),
    ("bookmarks:bulk", "post"),
]


@dataclass
class Owned:
    bookmark: Bookmark
    highlight: Highlight
    note: Note

    def target(self, kind: str):
        return getattr(self, kind)


def owned(owner, *, private: bool, n: int) -> Owned:
    bookmark, _ = save_bookmark(
        user=owner,
        url=f"https://example.org/owned/{n}",
        title=f"Owned {n}",
        tag_names=["kept"],
        is_private=private,
    )
    highlight = add_highlight(bookmark=bookmark, quote=f"Quote {n}")
    note = add_note(bookmark=bookmark, highlight=highlight, text=f"Note {n}")
    return Owned(bookmark, highlight, note)


@pytest.fixture
def world():
    owner = UserFactory()
    return {
        "owner": owner,
        "private": owned(owner, private=True, n=1),
        "public": owned(owner, private=False, n=2),
    }


def state() -> tuple:
    """Everything these endpoints could change, to compare before and after."""
    return (
        sorted(Bookmark.objects.values_list("pk", "title", "description", "is_private", "to_read")),
        sorted(BookmarkTag.objects.values_list("bookmark", "tag")),
        sorted(Highlight.objects.values_list("pk", "quote", "colour")),
        sorted(Note.objects.values_list("pk", "text", "highlight")),
    )


def call(client, endpoint: Endpoint, obj):
    url = reverse(endpoint.name, args=[obj.pk])
    return getattr(client, endpoint.method)(url, endpoint.data)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_anonymous_people_are_sent_to_sign_in(client, world, endpoint):
    before = state()
    response = call(client, endpoint, world["public"].target(endpoint.target))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert state() == before


@pytest.mark.parametrize(("name", "method"), OPEN_ENDPOINTS)
def test_anonymous_people_are_sent_to_sign_in_from_the_other_pages(client, db, name, method):
    response = getattr(client, method)(reverse(name), {"url": "https://example.org/"})
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_stranger_gets_404_on_a_private_bookmark_and_changes_nothing(client, world, endpoint):
    client.force_login(UserFactory())
    before = state()
    response = call(client, endpoint, world["private"].target(endpoint.target))
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_stranger_gets_403_on_a_public_bookmark_and_changes_nothing(client, world, endpoint):
    client.force_login(UserFactory())
    before = state()
    response = call(client, endpoint, world["public"].target(endpoint.target))
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_a_group_reader_of_a_shared_private_bookmark_gets_403(client, world, endpoint):
    """Shared into a group, a private bookmark is visible to its members: still not theirs."""
    group = create_group(
        name="Readers",
        slug="readers",
        created_by=world["owner"],
        visibility=Group.Visibility.PRIVATE,
    )
    share_bookmark(bookmark=world["private"].bookmark, group=group)
    reader = UserFactory()
    add_member(group=group, user=reader)
    client.force_login(reader)
    before = state()
    response = call(client, endpoint, world["private"].target(endpoint.target))
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
@pytest.mark.parametrize("which", ["private", "public"])
def test_the_owner_may(client, world, endpoint, which):
    client.force_login(world["owner"])
    before = state()
    response = call(client, endpoint, world[which].target(endpoint.target))
    if endpoint.method == "get":
        assert response.status_code == 200
        assert 'name="csrfmiddlewaretoken"' in response.content.decode()
    else:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert state() != before


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.method == "post"], ids=str)
def test_unknown_ids_are_404(client, world, endpoint):
    client.force_login(world["owner"])
    response = client.post(reverse(endpoint.name, args=[999999]), endpoint.data)
    assert response.status_code == 404
