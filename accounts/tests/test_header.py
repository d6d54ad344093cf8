"""The header: what signed-in and anonymous people see, and a hostile
display name shown as text."""

import pytest
from bs4 import BeautifulSoup
from django.urls import NoReverseMatch, reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert(1)</script> "><img src=x onerror=alert(1)> {{7*7}}'


def nav(response):
    return BeautifulSoup(response.content, "lxml").find("nav", class_="site-nav")


def url_or_none(name):
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_anonymous_people_see_sign_in_and_sign_up_coming_back_here(client):
    menu = nav(client.get("/groups/?page=1"))
    links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
    assert links["Sign in"] == reverse("accounts:login") + "?next=/groups/%3Fpage%3D1"
    assert links["Sign up"] == reverse("accounts:signup") + "?next=/groups/%3Fpage%3D1"
    assert "Settings" not in links
    assert not menu.find("form")


def test_on_the_sign_in_page_the_links_carry_no_next(client):
    menu = nav(client.get(reverse("accounts:login")))
    links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
    assert links["Sign in"] == reverse("accounts:login")


def test_signed_in_people_see_their_links_and_a_sign_out_button(client, user):
    client.force_login(user)
    menu = nav(client.get(reverse("home")))
    links = {a.get_text(strip=True): a["href"] for a in menu.find_all("a")}
    assert links["Settings"] == reverse("accounts:settings")
    # Built by the bookmarks app; shown once its URLs exist.
    assert links.get("Your library") == url_or_none("bookmarks:library")
    assert links.get("Save a bookmark") == url_or_none("bookmarks:new")
    assert "Sign in" not in links
    form = menu.find("form")
    assert form["method"] == "post" and form["action"] == reverse("accounts:logout")
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("button").get_text(strip=True) == "Sign out"
    assert user.display_name in menu.get_text()


def test_the_settings_link_is_marked_current_on_its_page(client, user):
    client.force_login(user)
    menu = nav(client.get(reverse("accounts:settings")))
    assert menu.find("a", attrs={"aria-current": "page"})["href"] == reverse("accounts:settings")


def test_a_hostile_display_name_is_text(client):
    person = UserFactory(display_name=PAYLOAD)
    client.force_login(person)
    for url in (reverse("home"), reverse("accounts:settings"), "/no-such-page/"):
        html = BeautifulSoup(client.get(url).content, "lxml")
        assert not html.find("img", src="x"), url
        assert all("alert" not in script.get_text() for script in html.find_all("script")), url
        for element in html.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs), (url, element)
        header = html.find("header", class_="site-header").get_text()
        assert "<script>alert(1)</script>" in header, url
        assert "49" not in header, url


def test_a_long_display_name_is_shortened_in_the_header(client):
    person = UserFactory(display_name="長" * 150)
    client.force_login(person)
    menu = nav(client.get(reverse("home")))
    assert "長" * 150 not in menu.get_text()
    assert "長" * 39 + "…" in menu.get_text()


def test_messages_show_once(client, user):
    client.force_login(user)
    client.post(reverse("accounts:settings"), {"display_name": "Mei", "email": ""})
    first = BeautifulSoup(client.get(reverse("home")).content, "lxml")
    assert first.find(class_="messages")["role"] == "status"
    assert "Your settings are saved." in first.find(class_="messages").get_text()
    assert not BeautifulSoup(client.get(reverse("home")).content, "lxml").find(class_="messages")
