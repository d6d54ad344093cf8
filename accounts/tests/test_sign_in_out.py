"""Signing in (with ?next= checked) and signing out (POST only)."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
UNSAFE = ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\\evil.example"]


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(
        reverse("accounts:login"), {"username": user.username, "password": password, **extra}
    )


def test_the_form_has_autocomplete_hints(client):
    html = BeautifulSoup(client.get(reverse("accounts:login")).content, "lxml")
    assert html.find("input", attrs={"name": "username"})["autocomplete"] == "username"
    assert html.find("input", attrs={"name": "password"})["autocomplete"] == "current-password"


def test_signing_in_goes_home(client, user):
    response = sign_in(client, user)
    assert response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_safe_next_is_followed(client, user):
    response = sign_in(client, user, next="/groups/?page=2")
    assert response["Location"] == "/groups/?page=2"


@pytest.mark.parametrize("target", UNSAFE)
def test_an_unsafe_next_is_ignored(client, user, target):
    response = sign_in(client, user, next=target)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", UNSAFE)
def test_an_unsafe_next_is_not_carried_in_the_form(client, target):
    response = client.get(reverse("accounts:login"), {"next": target})
    assert "evil.example" not in response.content.decode()
    assert "javascript:" not in response.content.decode()


def test_a_signed_in_person_asked_back_to_sign_in_gets_the_form(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:login"), {"next": reverse("accounts:login")})
    assert response.status_code == 200


def test_a_wrong_password_says_so_and_keeps_the_username(client, user):
    response = sign_in(client, user, password="wrong")
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "lxml")
    assert html.select_one(".form-errors").get_text(strip=True)
    assert html.find("input", attrs={"name": "username"})["value"] == user.username
    assert "_auth_user_id" not in client.session


def test_signing_out_by_get_is_refused(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signing_out_by_post(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response["Location"] == reverse("home")
    assert "_auth_user_id" not in client.session


def test_signing_out_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("accounts:logout")).status_code == 403
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_header_button_signs_out_with_its_token(user):
    """The header's own form carries the CSRF token the check asks for."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    html = BeautifulSoup(client.get(reverse("home")).content, "lxml")
    form = html.find("form", action=reverse("accounts:logout"))
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]
    response = client.post(form["action"], {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
