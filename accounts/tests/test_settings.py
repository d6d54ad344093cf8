"""The settings page: display name, feed token and the bookmarklet."""

import html as html_lib
import json
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from groups.models import Group
from groups.services import add_member, create_group

pytestmark = pytest.mark.django_db


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(reverse("accounts:settings"))
    assert response["Location"] == reverse("accounts:login") + "?next=/settings/"


def test_the_page_shows_the_name_token_and_bookmarklet(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:settings"))
    assert "no-store" in response["Cache-Control"]  # the token is a secret
    html = BeautifulSoup(response.content, "lxml")
    assert html.find("input", attrs={"name": "display_name"})["value"] == user.display_name
    assert html.find(id="feed-token-value")["value"] == user.feed_token
    assert "private groups" in html.find(id="feed-token").get_text()
    assert html.find("form", action=reverse("accounts:feed_token_reset"))["method"] == "post"
    assert html.find("a", class_="accounts__bookmarklet")["href"].startswith("javascript:")


@pytest.mark.parametrize("name", ["張 旭", "  陳 美 Mei Chen  ", "Ngọc Ánh 🌱"])
def test_a_display_name_in_any_script_with_spaces(client, user, name):
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"display_name": name, "email": ""})
    assert response["Location"] == reverse("accounts:settings")
    user.refresh_from_db()
    assert user.display_name == name.strip()
    page = client.get(response["Location"]).content.decode()
    assert "Your settings are saved." in page
    assert html_lib.escape(name.strip()) in page


def test_an_empty_display_name_falls_back_to_the_username(client, user):
    client.force_login(user)
    client.post(reverse("accounts:settings"), {"display_name": "", "email": ""})
    user.refresh_from_db()
    assert user.name == user.username


@pytest.mark.parametrize("name", ["x" * 151, "bell\x07name"])
def test_a_bad_display_name_is_refused_beside_the_field(client, user, name):
    client.force_login(user)
    before = user.display_name
    response = client.post(reverse("accounts:settings"), {"display_name": name, "email": ""})
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "lxml")
    assert html.find(id="id_display_name_error").get_text(strip=True)
    user.refresh_from_db()
    assert user.display_name == before


def test_settings_need_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), {"display_name": "Changed"})
    assert response.status_code == 403
    user.refresh_from_db()
    assert user.display_name != "Changed"


def test_the_token_reset_is_post_only_and_needs_the_csrf_token(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:feed_token_reset")).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post(reverse("accounts:feed_token_reset")).status_code == 403
    assert User.objects.get(pk=user.pk).feed_token == user.feed_token


def test_a_new_token_stops_the_old_feed_links(client, user):
    group = create_group(
        name="Night shift", slug="night-shift", created_by=user, visibility=Group.Visibility.PRIVATE
    )
    member = User.objects.get(pk=user.pk)
    add_member(group=group, user=member, role="owner")
    feed = reverse("feeds:group_rss", kwargs={"slug": group.slug})
    old_token = user.feed_token
    assert Client().get(feed, {"token": old_token}).status_code == 200

    client.force_login(user)
    response = client.post(reverse("accounts:feed_token_reset"))
    assert response["Location"] == reverse("accounts:settings") + "#feed-token"
    user.refresh_from_db()
    assert user.feed_token != old_token
    assert Client().get(feed, {"token": old_token}).status_code == 404
    assert Client().get(feed, {"token": user.feed_token}).status_code == 200
    page = client.get(reverse("accounts:settings")).content.decode()
    assert "new feed token" in page and user.feed_token in page


def bookmarklet_code(client) -> str:
    html = BeautifulSoup(client.get(reverse("accounts:settings")).content, "lxml")
    href = html.find("a", class_="accounts__bookmarklet")["href"]
    assert href.startswith("javascript:")
    # What the browser runs: the URL's body, percent-decoded.
    return unquote(href.removeprefix("javascript:"))


def test_the_bookmarklet_opens_the_save_form_on_this_site(client, user):
    client.force_login(user)
    code = bookmarklet_code(client)
    assert "'http://testserver/bookmarks/new/'" in code
    for parameter in ("?url=", "&title=", "&quote="):
        assert parameter in code
    assert "encodeURIComponent" in code and "location.href" in code and "d.title" in code


#: Not a host Django would accept; stands for any address with quotes,
#: percents, tags or backslashes in it.
HOSTILE_ORIGIN = "http://x.example/'+alert(1)+'%27\\</a><b>\"\u2028"


def test_the_bookmarklet_keeps_an_odd_site_address_inside_its_string(client, user, monkeypatch):
    monkeypatch.setattr(
        HttpRequest, "build_absolute_uri", lambda self, location="": HOSTILE_ORIGIN + location
    )
    client.force_login(user)
    code = bookmarklet_code(client)
    start = code.index("u='") + len("u='")
    end = code.index("'", start)
    literal = code[start:end]
    assert json.loads('"' + literal + '"') == HOSTILE_ORIGIN + "/bookmarks/new/"
    assert code[end:].startswith("'+'?url='+e(location.href)")
