"""The whole writing path in a real browser: sign up, join a group, save a
bookmark into it, highlight it and pin a sticky note, then find all of it on
the group tag page and in the tag's feed."""

import re

import pytest
from django.urls import reverse
from lxml import etree

from accounts.tests.factories import UserFactory
from groups.models import Group
from groups.services import create_group

pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_save_highlight_note_and_find_them(new_page, local_site, site_url):
    create_group(
        name="讀書會 Reading Circle",
        slug="reading-circle",
        created_by=UserFactory(),
        visibility=Group.Visibility.PUBLIC,
    )
    page = new_page()

    page.goto(reverse("accounts:signup"))
    page.get_by_label("Username").fill("mei")
    page.get_by_label("Display name").fill("陳 美")
    page.locator("#id_password1").fill("a long enough passphrase 42")
    page.locator("#id_password2").fill("a long enough passphrase 42")
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url(re.compile(r"^(?!.*signup).*$"))

    page.goto(reverse("groups:detail", args=["reading-circle"]))
    page.get_by_role("button", name="Join this group").click()

    saved_url = f"{local_site}/essays/consensus"
    page.goto(f"{reverse('bookmarks:new')}?url={saved_url}&title=共識演算法筆記")
    assert page.get_by_label("Title").input_value() == "共識演算法筆記"
    page.get_by_label("Tags").fill("architecture, 分散式")
    page.get_by_label("讀書會 Reading Circle").check()
    page.get_by_role("button", name=re.compile("Save")).click()
    page.wait_for_url(re.compile(r"/bookmarks/\d+/$"))

    page.get_by_text("Add a highlight").click()
    page.get_by_label("Passage").fill("A quorum is a promise about overlap.")
    page.get_by_role("button", name="Add the highlight").click()
    page.get_by_text("Change this highlight").first.click()
    page.get_by_text("Add a sticky note to this highlight").first.click()
    page.get_by_label("Sticky note").first.fill("Read this twice before the meeting.")
    page.get_by_role("button", name="Add the note").first.click()

    page.goto(reverse("groups:tag", args=["reading-circle", "architecture"]))
    item = page.locator("article.item").first
    assert item.locator(".item__title a").inner_text() == "共識演算法筆記"
    assert "A quorum is a promise about overlap." in item.inner_text()
    note = item.locator(".note").first.inner_text()
    assert "陳 美" in note and "Read this twice before the meeting." in note
    assert "shared by 陳 美" in item.inner_text()

    feed = page.request.get(reverse("feeds:group_tag_rss", args=["reading-circle", "architecture"]))
    assert feed.status == 200
    channel = etree.fromstring(feed.body())
    (entry,) = channel.findall("./channel/item")
    assert entry.findtext("title") == "共識演算法筆記"
    description = entry.findtext("description")
    assert "A quorum is a promise about overlap." in description
    assert "Read this twice before the meeting." in description
