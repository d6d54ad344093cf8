"""A hostile payload in every user-supplied field shows as literal text on
every page: no element, attribute or link of the user's making, no template
evaluation."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from groups.models import Group
from groups.services import add_group_note, add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
PAYLOAD = f"{SCRIPT} {IMG} javascript:alert(1) {TEMPLATE}"
#: Tag names cannot hold "/" (URLs carry them), so the tag gets the rest.
TAG = f"{IMG} {TEMPLATE}"


@pytest.fixture
def hostile():
    person = UserFactory(username="mallory", display_name=PAYLOAD)
    group = create_group(
        name=PAYLOAD,
        slug="hostile",
        created_by=person,
        visibility=Group.Visibility.PUBLIC,
        description=PAYLOAD,
    )
    other = UserFactory(display_name=PAYLOAD)
    add_member(group=group, user=other)
    bookmark, _ = save_bookmark(
        user=person,
        url="https://example.org/hostile",
        title=PAYLOAD,
        description=PAYLOAD,
        tag_names=[TAG],
    )
    highlight = add_highlight(bookmark=bookmark, quote=PAYLOAD)
    add_note(bookmark=bookmark, highlight=highlight, text=PAYLOAD)
    add_note(bookmark=bookmark, text=PAYLOAD)
    item = share_bookmark(bookmark=bookmark, group=group)
    add_group_note(item=item, author=other, highlight=highlight, text=PAYLOAD)
    add_group_note(item=item, author=other, text=PAYLOAD)
    return {"group": group, "item": item, "bookmark": bookmark, "person": person}


def pages(hostile):
    group, item, bookmark = hostile["group"], hostile["item"], hostile["bookmark"]
    return [
        reverse("home"),
        reverse("groups:list"),
        reverse("groups:detail", args=[group.slug]),
        reverse("groups:tag", args=[group.slug, TAG]),
        reverse("groups:item", args=[group.slug, item.pk]),
        reverse("bookmarks:user", args=["mallory"]),
        reverse("bookmarks:user_tag", args=["mallory", TAG]),
        reverse("bookmarks:detail", args=[bookmark.pk]),
    ]


def test_every_page_shows_the_payload_as_text(client, hostile):
    for url in pages(hostile):
        response = client.get(url)
        assert response.status_code == 200, url
        html = BeautifulSoup(response.content, "lxml")
        for script in html.find_all("script"):
            assert "alert" not in script.get_text(), url
        for element in html.find_all(True):
            for attribute, value in element.attrs.items():
                assert not attribute.lower().startswith("on"), (url, element)
                values = value if isinstance(value, list) else [value]
                for text in values:
                    assert not text.strip().lower().startswith("javascript:"), (url, element)
        assert not html.find("img", src="x"), url
        body = html.get_text()
        assert SCRIPT in body and IMG.strip('"') in body and TEMPLATE in body, url
        # Evaluated as a template, the payload would end in 49 (a bare "49"
        # check would trip over a time such as 08:49 on the page).
        assert "javascript:alert(1) 49" not in body, url
