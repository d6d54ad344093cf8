"""Our own 400, 403, 404 and 500 pages, with DEBUG off as in production."""

import pytest
from django.template import loader
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def failing_urls(settings):
    assert not settings.DEBUG
    settings.ROOT_URLCONF = "accounts.tests.error_urls"


def test_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "There is nothing for you at this address" in page
    assert 'class="site-header"' in page  # our layout, not Django's plain page


def test_a_private_groups_404_looks_like_any_other(client):
    page = client.get("/groups/no-such-group/").content.decode()
    assert "There is nothing for you at this address" in page


def test_permission_denied(client):
    response = client.get("/test-errors/403/")
    assert response.status_code == 403
    assert "You are not allowed to do that" in response.content.decode()


def test_bad_request(client):
    response = client.get("/test-errors/400/")
    assert response.status_code == 400
    assert "We could not make sense of that request" in response.content.decode()


def test_a_disallowed_host_gets_our_400(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "We could not make sense of that request" in response.content.decode()


def test_server_error_shows_no_traceback(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    response = client.get("/test-errors/500/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "SECRET-TRACEBACK-DETAIL" not in page
    assert "Traceback" not in page and "RuntimeError" not in page


def test_the_500_page_stands_alone(django_assert_num_queries):
    """Rendered as Django's handler renders it: no request, so no context
    processors; and it asks nothing of the database or the static files."""
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert "<style>" in html and 'rel="stylesheet"' not in html
