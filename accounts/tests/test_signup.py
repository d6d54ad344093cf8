"""Making an account: signed in at once, sent on to a safe ?next=."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.models import User
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 長い"
UNSAFE = ["https://evil.example/", "//evil.example", "javascript:alert(1)"]


def signup_data(**overrides):
    data = {
        "username": "mei",
        "display_name": "陳 美",
        "email": "mei@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }
    data.update(overrides)
    return data


def field_errors(response, name: str) -> str:
    """The error text shown beside one field."""
    html = BeautifulSoup(response.content, "lxml")
    errors = html.find(id=f"id_{name}_error")
    return errors.get_text(" ", strip=True) if errors else ""


def test_the_form_asks_for_a_new_password(client):
    response = client.get(reverse("accounts:signup"))
    html = BeautifulSoup(response.content, "lxml")
    assert html.find("input", attrs={"name": "username"})["autocomplete"] == "username"
    assert html.find("input", attrs={"name": "email"})["autocomplete"] == "email"
    assert html.find("input", attrs={"name": "password1"})["autocomplete"] == "new-password"
    assert html.find("input", attrs={"name": "password2"})["autocomplete"] == "new-password"
    assert html.find("label", attrs={"for": "id_display_name"}).get_text(strip=True)


def test_signing_up_signs_in_and_goes_home(client):
    response = client.post(reverse("accounts:signup"), signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    user = User.objects.get(username="mei")
    assert user.name == "陳 美"
    assert user.check_password(PASSWORD)
    page = client.get(response["Location"]).content.decode()
    assert "陳 美" in page and "Sign out" in page


def test_signing_up_follows_a_safe_next(client):
    url = reverse("accounts:signup") + "?next=/groups/%3Fpage%3D2"
    response = client.post(url, signup_data())
    assert response["Location"] == "/groups/?page=2"


@pytest.mark.parametrize("target", UNSAFE)
def test_signing_up_ignores_an_unsafe_next(client, target):
    response = client.post(reverse("accounts:signup"), {**signup_data(), "next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_form_keeps_a_safe_next_and_drops_an_unsafe_one(client):
    safe = client.get(reverse("accounts:signup") + "?next=/groups/").content.decode()
    assert 'name="next" value="/groups/"' in safe
    unsafe = client.get(reverse("accounts:signup") + "?next=//evil.example").content.decode()
    assert "evil.example" not in unsafe


def test_a_taken_username_is_refused_beside_the_field_with_the_input_kept(client):
    UserFactory(username="mei")
    response = client.post(reverse("accounts:signup"), signup_data(username="MEI"))
    assert response.status_code == 200
    assert "already exists" in field_errors(response, "username")
    html = BeautifulSoup(response.content, "lxml")
    assert html.find("input", attrs={"name": "username"})["value"] == "MEI"
    assert html.find("input", attrs={"name": "display_name"})["value"] == "陳 美"
    assert html.find("input", attrs={"name": "username"})["aria-invalid"] == "true"
    assert User.objects.count() == 1
    assert "_auth_user_id" not in client.session


def test_mismatched_passwords_are_refused(client):
    response = client.post(reverse("accounts:signup"), signup_data(password2="something else"))
    assert field_errors(response, "password2")
    assert not User.objects.filter(username="mei").exists()


@pytest.mark.parametrize("username", [".", ".."])
def test_a_username_of_dots_is_refused(client, username):
    response = client.post(reverse("accounts:signup"), signup_data(username=username))
    assert field_errors(response, "username")
    assert not User.objects.exists()


def test_email_and_display_name_are_optional(client):
    response = client.post(reverse("accounts:signup"), signup_data(email="", display_name=""))
    assert response.status_code == 302
    assert User.objects.get(username="mei").name == "mei"


def test_a_signed_in_person_is_sent_on(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:signup"))["Location"] == reverse("home")
    assert client.get(reverse("accounts:signup"), {"next": "/groups/"})["Location"] == "/groups/"


def test_a_next_pointing_back_here_does_not_loop(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:signup"), {"next": reverse("accounts:signup")})
    assert response["Location"] == reverse("home")
