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
