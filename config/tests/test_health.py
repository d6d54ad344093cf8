import pytest

from config import health

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": True, "broker": True}


def test_a_broker_that_cannot_be_reached_is_503(client, monkeypatch):
    # A closed port on this machine: refused at once, nothing leaves it.
    # Celery reads CELERY_BROKER_URL from the environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(health.app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": True, "broker": False}
