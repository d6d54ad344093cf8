"""A hostile payload in every field the new pages show (group name and
description, display names, titles, quotes, notes, tags, and input sent back
with a form's errors) stays literal text: no element, attribute or link of
the user's making."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight
from bookmarks.services import save_bookmark
from groups.invitations import create_invitation
from groups.models import Group, Membership
from groups.services import add_group_note, add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
PAYLOAD = f"{SCRIPT} {IMG} javascript:alert(1) {TEMPLATE}"
#: Tag names cannot hold "/" (URLs carry them), so the tag gets the rest.
TAG = f"{IMG} {TEMPLATE}"


def assert_inert(response, where):
    assert response.status_code in (200, 400, 409), (where, response.status_code)
    html = BeautifulSoup(response.content, "lxml")
    for script in html.find_all("script"):
        assert "alert" not in script.get_text(), where
    for element in html.find_all(True):
        for attribute, value in element.attrs.items():
            assert not attribute.lower().startswith("on"), (where, element)
            for text in value if isinstance(value, list) else [value]:
                assert not text.strip().lower().startswith("javascript:"), (where, element)
    assert not html.find("img", src="x"), where
    body = html.get_text()
    assert SCRIPT in body and IMG.strip('"') in body and TEMPLATE in body, where


@pytest.fixture
def hostile():
    owner = UserFactory(username="mallory", display_name=PAYLOAD)
    group = create_group(
        name=PAYLOAD,
        slug="hostile",
        created_by=owner,
        visibility=Group.Visibility.PUBLIC,
        description=PAYLOAD,
    )
    member = UserFactory(username="trudy", display_name=PAYLOAD)
    add_member(group=group, user=member)
    bookmark, _ = save_bookmark(
        user=member,
        url="https://example.org/hostile",
        title=PAYLOAD,
        description=PAYLOAD,
        tag_names=[TAG],
    )
    highlight = add_highlight(bookmark=bookmark, quote=PAYLOAD)
    item = share_bookmark(bookmark=bookmark, group=group)
    note = add_group_note(item=item, author=member, highlight=highlight, text=PAYLOAD)
    add_group_note(item=item, author=owner, text=PAYLOAD)
    create_invitation(group=group, created_by=owner)
    return {"owner": owner, "member": member, "item": item, "note": note, "highlight": highlight}


def item_route(name, world, *extra):
    return reverse(name, args=["hostile", world["item"].pk, *extra])


def test_every_new_page_shows_the_payload_as_text(client, hostile):
    owner_pages = [
        reverse("groups:detail", args=["hostile"]),
        reverse("groups:members", args=["hostile"]),
        reverse("groups:edit", args=["hostile"]),
        reverse("groups:remove_member", args=["hostile", "trudy"]),
        item_route("groups:item", hostile),
        item_route("groups:remove_item", hostile),
        item_route("groups:item_tags", hostile),
        item_route("groups:delete_note", hostile, hostile["note"].pk),
    ]
    member_pages = [
        item_route("groups:item", hostile),
        item_route("groups:add_note", hostile) + f"?highlight={hostile['highlight'].pk}",
        item_route("groups:edit_note", hostile, hostile["note"].pk),
        item_route("groups:unshare", hostile),
        reverse("groups:leave", args=["hostile"]),
    ]
    for person, pages in ((hostile["owner"], owner_pages), (hostile["member"], member_pages)):
        client.force_login(person)
        for url in pages:
            assert_inert(client.get(url), url)
    client.force_login(UserFactory())
    token = hostile["item"].group.invitations.get().token
    assert_inert(client.get(reverse("groups:accept_invitation", args=[token])), "invitation")


def test_input_sent_back_with_errors_stays_text(client, hostile):
    client.force_login(hostile["owner"])
    sent_back = [
        (reverse("groups:new"), {"name": PAYLOAD, "slug": "hostile", "description": PAYLOAD}),
        (
            reverse("groups:edit", args=["hostile"]),
            {"name": PAYLOAD, "slug": "new", "description": PAYLOAD, "visibility": "public"},
        ),
        (item_route("groups:item_tags", hostile), {"tags": f"{PAYLOAD}, {SCRIPT}"}),
    ]
    for url, data in sent_back:
        response = client.post(url, data)
        html = BeautifulSoup(response.content, "lxml")
        assert html.select(".errorlist"), url
        kept = [field.get("value", "") for field in html.find_all("input")]
        kept += [area.get_text() for area in html.find_all("textarea")]
        assert any(SCRIPT in value for value in kept), url
        assert_inert(response, url)
    response = client.post(
        reverse("groups:change_role", args=["hostile", "mallory"]), {"role": "member"}
    )
    assert response.status_code == 409
    assert_inert(response, "last owner refused")


def test_a_hostile_username_to_add_is_sent_back_as_text(client, hostile):
    client.force_login(hostile["owner"])
    response = client.post(reverse("groups:add_member", args=["hostile"]), {"username": SCRIPT})
    html = BeautifulSoup(response.content, "lxml")
    assert not html.find("script", string=lambda text: text and "alert" in text)
    assert SCRIPT in html.find(id="id_username_error").get_text()
    assert Membership.objects.filter(group__slug="hostile").count() == 2
