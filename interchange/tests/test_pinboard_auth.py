"""Who may call the API, how often, and the token on the settings page."""

import base64
import json

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from lxml import etree

from accounts.tests.factories import UserFactory
from bookmarks.models import Bookmark
from interchange.pinboard.tokens import ApiToken, get_or_issue_token, reset_token

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factory's
UPDATE = "/api/v1/posts/update"


@pytest.fixture(autouse=True)
def fresh_counters():
    # Rate counters live in the cache (Redis under CI), which outlives a test.
    cache.clear()


@pytest.fixture
def owner(db):
    return UserFactory(username="mei")


def basic(username: str, password: str) -> dict[str, str]:
    pair = f"{username}:{password}".encode()
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(pair).decode()}


def code(response) -> str:
    return etree.fromstring(response.content).get("code")


# --- tokens ----------------------------------------------------------------------


def test_a_token_authorises_its_owner_only(client, owner):
    token = get_or_issue_token(user=owner)
    assert token.full_token.startswith("mei:")
    assert client.get(UPDATE, {"auth_token": token.full_token}).status_code == 200
    # Lower case is the same token; another user's name with it is not.
    assert client.get(UPDATE, {"auth_token": token.full_token.lower()}).status_code == 200
    other = UserFactory(username="other")
    get_or_issue_token(user=other)
    secret = token.full_token.split(":")[1]
    for wrong in (f"other:{secret}", "mei:0000", "mei", ":" + secret, "nobody:" + secret):
        response = client.get(UPDATE, {"auth_token": wrong})
        assert response.status_code == 401, wrong
        assert code(response) == "authentication failed"
        assert response["WWW-Authenticate"].startswith("Basic ")


def test_the_database_holds_no_secret(owner):
    token = get_or_issue_token(user=owner)
    secret = token.secret()
    row = ApiToken.objects.values().get(pk=token.pk)
    assert secret not in json.dumps(row, default=str).upper()
    assert secret != owner.feed_token


def test_a_new_token_stops_the_old_one(client, owner):
    old = get_or_issue_token(user=owner).full_token
    new = reset_token(user=owner).full_token
    assert new != old
    assert client.get(UPDATE, {"auth_token": old}).status_code == 401
    assert client.get(UPDATE, {"auth_token": new}).status_code == 200


def test_tokens_survive_a_key_rotation_with_fallbacks(client, owner, settings):
    token = get_or_issue_token(user=owner).full_token
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert client.get(UPDATE, {"auth_token": token}).status_code == 401
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert client.get(UPDATE, {"auth_token": token}).status_code == 200


def test_an_inactive_user_is_refused(client, owner):
    token = get_or_issue_token(user=owner).full_token
    owner.is_active = False
    owner.save()
    assert client.get(UPDATE, {"auth_token": token}).status_code == 401


# --- sessions, Basic and django-axes ----------------------------------------------


def test_a_browser_session_does_not_authorise(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/posts/add", {"url": "https://example.org/"})
    assert response.status_code == 401
    assert not Bookmark.objects.exists()


def test_basic_auth_with_the_password(client, owner):
    response = client.get(
        "/api/v1/posts/add", {"url": "https://example.org/"}, **basic("mei", PASSWORD)
    )
    assert code(response) == "done"
    assert Bookmark.objects.get().user == owner
    assert client.get(UPDATE, **basic("mei", "wrong")).status_code == 401
    assert client.get(UPDATE, HTTP_AUTHORIZATION="Basic %%%").status_code == 401
    assert client.get(UPDATE, HTTP_AUTHORIZATION="Basic " + "bm9jb2xvbg==").status_code == 401


def test_basic_auth_is_refused_cross_site(client, owner):
    # A browser that remembers the password would send it with any page's request.
    response = client.get(
        "/api/v1/posts/delete",
        {"url": "https://example.org/"},
        HTTP_SEC_FETCH_SITE="cross-site",
        **basic("mei", PASSWORD),
    )
    assert response.status_code == 403
    ok = client.get(UPDATE, HTTP_SEC_FETCH_SITE="none", **basic("mei", PASSWORD))
    assert ok.status_code == 200


def test_failed_passwords_count_and_lock_out_with_429(client, owner, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(2):
        assert client.get(UPDATE, **basic("mei", "guess")).status_code == 401
    assert AccessAttempt.objects.get(username="mei").failures_since_start == 2
    locked = client.get(UPDATE, {"format": "json"}, **basic("mei", "guess"))
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert json.loads(locked.content) == {
        "result_code": "too many failed sign-ins: try again later"
    }
    # Locked out, even the right password is refused, cleanly.
    again = client.get(UPDATE, **basic("mei", PASSWORD))
    assert again.status_code == 429
    assert again["Content-Type"] == "text/xml; charset=utf-8"
    # A token still works: the lock-out is about passwords.
    token = get_or_issue_token(user=owner).full_token
    assert client.get(UPDATE, {"auth_token": token}).status_code == 200


# --- rate limits ------------------------------------------------------------------


def test_too_many_calls_answer_429_with_retry_after(client, owner, settings):
    settings.PINBOARD_API_RATE_LIMIT = 3
    settings.PINBOARD_API_RATE_WINDOW = 60
    token = get_or_issue_token(user=owner).full_token
    for _ in range(3):
        assert client.get(UPDATE, {"auth_token": token}).status_code == 200
    response = client.get(UPDATE, {"auth_token": token, "format": "json"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert json.loads(response.content) == {"result_code": "too many requests"}
    # Per user: someone else goes on.
    other = get_or_issue_token(user=UserFactory()).full_token
    assert client.get(UPDATE, {"auth_token": other}).status_code == 200


def test_posts_all_costs_more(client, owner, settings):
    settings.PINBOARD_API_RATE_LIMIT = 25
    settings.PINBOARD_API_ALL_COST = 10
    token = get_or_issue_token(user=owner).full_token
    for _ in range(2):
        assert client.get("/api/v1/posts/all", {"auth_token": token}).status_code == 200
    assert client.get("/api/v1/posts/all", {"auth_token": token}).status_code == 429


def test_failed_authentication_is_limited_per_address(client, owner, settings):
    settings.PINBOARD_API_AUTH_FAILURE_LIMIT = 4
    for _ in range(4):
        assert client.get(UPDATE, {"auth_token": "mei:guess"}).status_code == 401
    response = client.get(UPDATE, {"auth_token": "mei:guess"})
    assert response.status_code == 429
    assert response["Retry-After"]
    token = get_or_issue_token(user=owner).full_token
    assert client.get(UPDATE, {"auth_token": token}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert elsewhere.get(UPDATE, {"auth_token": token}).status_code == 200


# --- the API is not a form -----------------------------------------------------------


def test_post_without_csrf_token_works_with_an_api_token(owner):
    client = Client(enforce_csrf_checks=True)
    token = get_or_issue_token(user=owner).full_token
    response = client.post(
        "/api/v1/posts/add?auth_token=" + token,
        {"url": "https://example.org/long", "extended": "长" * 5000},
    )
    assert code(response) == "done"
    assert len(Bookmark.objects.get().description) == 5000


def test_other_methods_are_refused(client, owner):
    assert client.put(UPDATE).status_code == 405


# --- the settings page's section and button -------------------------------------------


def render_partial(rf, user) -> str:
    from django.template.loader import render_to_string

    request = rf.get("/settings/")
    request.user = user
    return render_to_string("interchange/_api_token.html", {"user": user}, request=request)


def test_partial_offers_a_token_then_shows_it(rf, owner):
    html = render_partial(rf, owner)
    assert "Make an API token" in html
    assert 'action="/api/v1/token/reset/"' in html
    assert "http://testserver/api/v1/" in html
    token = get_or_issue_token(user=owner)
    owner.refresh_from_db()
    html = render_partial(rf, owner)
    assert token.full_token in html
    assert "Make a new token" in html


def test_reset_button(client, owner):
    client.force_login(owner)
    url = reverse("pinboard:token_reset")
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].endswith("/settings/#api-token")
    first = ApiToken.objects.get(user=owner).full_token
    client.post(url)
    assert ApiToken.objects.get(user=owner).full_token != first
    assert reset_token.__name__  # the service the admin action uses too


def test_reset_needs_sign_in_and_csrf(owner):
    url = reverse("pinboard:token_reset")
    assert Client().post(url).status_code == 302
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    assert client.post(url).status_code == 403
    assert not ApiToken.objects.exists()
