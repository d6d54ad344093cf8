"""Fixtures shared by every app's tests."""

import os

import pytest

#: Set by .ci/run: a test that needs a service (PostgreSQL, Redis, a browser)
#: fails instead of skipping when the service is missing.
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES", "") not in ("", "0", "false")


def needs_service(available: bool, what: str) -> None:
    """Skip the calling test when ``what`` is unavailable, or fail under CI."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES is set) but unavailable")
    pytest.skip(f"{what} is unavailable")


@pytest.fixture
def user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture
def other_user(db):
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language: a request through the test
    client leaves its reader's language active in the thread, as Django's
    LocaleMiddleware does, and the next test must not read in it."""
    from django.utils import translation

    yield
    translation.deactivate()
