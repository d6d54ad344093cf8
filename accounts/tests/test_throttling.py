"""django-axes: five failures for one username from one address pause
sign-in for that pair, even with the right password afterwards."""

import pytest
from django.conf import settings
from django.urls import reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def fail_until_locked(client, username):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, username, "wrong password")
    return response


def test_the_limit_is_five_failures_for_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60


def test_five_failures_lock_out_even_the_right_password(client):
    person = UserFactory()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = sign_in(client, person.username, "wrong password")
        assert response.status_code == 200, attempt
    # The fifth failure locks at once.
    assert sign_in(client, person.username, "wrong password").status_code == 429

    response = sign_in(client, person.username, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many sign-in attempts" in page
    assert "failed 5 times in a row" in page
    assert "try again in 15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_another_username_from_the_same_address_is_not_locked(client):
    locked, other = UserFactory(), UserFactory()
    fail_until_locked(client, locked.username)
    response = sign_in(client, other.username, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other.pk)


def test_a_success_before_the_limit_clears_the_count(client):
    person = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, person.username, "wrong password")
    assert sign_in(client, person.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, person.username, "wrong password").status_code == 200
