"""Every view that changes something, found through the URL resolver by the
mark its decorator leaves (config.decorators): none answers an anonymous
person, none skips the CSRF check, and the action-only ones refuse GET."""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def write_endpoints(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from write_endpoints(entry, namespace)
        elif isinstance(entry, URLPattern) and getattr(entry.callback, "is_write_endpoint", False):
            yield f"{prefix}{entry.name}", entry


def url_for(name, pattern) -> str:
    kwargs = {
        param: 999999 if converter.__class__.__name__ == "IntConverter" else "someone-else"
        for param, converter in pattern.pattern.converters.items()
    }
    return reverse(name, kwargs=kwargs)


ENDPOINTS = sorted(write_endpoints(), key=lambda pair: pair[0])
IDS = [name for name, _ in ENDPOINTS]
ACTIONS = [(n, p) for n, p in ENDPOINTS if not getattr(p.callback, "shows_form", False)]


def test_the_site_has_write_endpoints():
    assert len(ENDPOINTS) >= 1


@pytest.mark.parametrize(("name", "pattern"), ENDPOINTS, ids=IDS)
def test_anonymous_people_are_sent_to_sign_in(client, name, pattern):
    url = url_for(name, pattern)
    response = client.post(url)
    assert response.status_code == 302, url
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


@pytest.mark.parametrize(("name", "pattern"), ENDPOINTS, ids=IDS)
def test_a_post_without_the_csrf_token_is_refused(name, pattern):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    response = client.post(url_for(name, pattern), {"anything": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("name", "pattern"), ACTIONS, ids=[name for name, _ in ACTIONS])
def test_actions_refuse_get(client, name, pattern):
    client.force_login(UserFactory())
    assert client.get(url_for(name, pattern)).status_code == 405
