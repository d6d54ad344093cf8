"""Snapshots taken by a real Celery worker process over a real Redis broker.

The worker is another process, so it sees only committed rows of a real
database: these tests need PostgreSQL (skipped on SQLite) and Redis (skipped
when unreachable, failing under REQUIRE_SERVICES). The broker-down test needs
neither and runs everywhere."""

import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import kombu.pools
import pytest
import redis
from django.db import connection, transaction
from django.urls import reverse

from bookmarks.models import Bookmark, Snapshot
from bookmarks.services import save_bookmark
from bookmarks.tasks import snapshot_page
from config.celery import app
from conftest import needs_service

from .pageserver import PageServer
from .workers import Worker

HTML = {"Content-Type": "text/html; charset=utf-8"}
#: Short enough that a killed worker's message comes back within the test.
REDELIVERY_OPTIONS = {
    "visibility_timeout": 4,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 1):
            return True
    except OSError:
        return False


def close_broker_connections() -> None:
    """The test process's own broker connections, so no socket is left open."""
    kombu.pools.reset()  # closes and forgets every producer and connection pool
    app._pool = None
    app.amqp._producer_pool = None


def forget_queue(broker_url: str, queue: str) -> None:
    """The queue's keys in Redis, so runs leave nothing behind."""
    client = redis.Redis.from_url(broker_url, socket_timeout=2)
    try:
        client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
    finally:
        client.close()


@pytest.fixture
def real_broker(monkeypatch):
    """Tasks go to a real Redis broker, on a queue of this test's own."""
    if connection.vendor == "sqlite":
        pytest.skip("needs PostgreSQL: set DATABASE_URL")
    broker_url = app.conf.broker_url or ""
    needs_service(
        broker_url.startswith("redis://") and redis_reachable(broker_url),
        "Redis (CELERY_BROKER_URL) for real worker tests",
    )
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    close_broker_connections()
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    task = snapshot_page._get_current_object()
    monkeypatch.setattr(task, "queue", queue, raising=False)
    monkeypatch.setattr(task, "_exec_options", None)  # cached: the queue from before
    yield broker_url, queue
    close_broker_connections()
    forget_queue(broker_url, queue)


@pytest.fixture
def workers(transactional_db, real_broker, tmp_path):
    """Starts workers on the test's queue; stops every one at the end."""
    broker_url, queue = real_broker
    started: list[Worker] = []

    def start(name: str, **options) -> Worker:
        worker = Worker(
            name=name,
            queue=queue,
            broker_url=broker_url,
            log_dir=tmp_path,
            transport_options=options,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def save_committed(user, url: str) -> Snapshot:
    with transaction.atomic():
        bookmark, _ = save_bookmark(user=user, url=url, title="")
    return Snapshot.objects.get(page=bookmark.page)


def wait_for(predicate, *, timeout: float, what: str, workers=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    logs = "\n".join(f"--- {w.name}\n{w.log()}" for w in workers)
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_takes_the_snapshot(workers, user):
    page = b"<title>Worker page</title><p>Taken by a real worker process.</p>"
    with PageServer({"/page": (200, HTML, page)}) as server:
        worker = workers("solo")
        worker.wait_ready()  # its queue is declared: a message before would be dropped
        snapshot = save_committed(user, server.url("/page"))
        assert snapshot.status == Snapshot.Status.PENDING

        def done():
            snapshot.refresh_from_db()
            return snapshot.status != Snapshot.Status.PENDING

        wait_for(done, timeout=30, what="the snapshot", workers=[worker])

    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    assert "Taken by a real worker process." in snapshot.text
    assert snapshot.http_status == 200
    assert Bookmark.objects.get(user=user).title == "Worker page"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_on_a_killed_worker_is_delivered_again_and_done_once(workers, user):
    received = threading.Event()
    release = threading.Event()
    calls = []

    def slow_then_fine(handler):
        calls.append(time.monotonic())
        if len(calls) == 1:
            received.set()  # worker A is mid-task: hold it there
            release.wait(20)
            return  # worker A is gone by now; nobody reads an answer
        body = b"<p>Second delivery.</p>"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    with PageServer({"/slow": slow_then_fine}) as server:
        try:
            worker_a = workers("a", **REDELIVERY_OPTIONS)
            worker_a.wait_ready()
            snapshot = save_committed(user, server.url("/slow"))
            assert received.wait(30), f"worker A never fetched the page:\n{worker_a.log()}"

            worker_a.kill()
            assert worker_a.process.returncode == -9
            worker_b = workers("b", **REDELIVERY_OPTIONS)

            def done():
                snapshot.refresh_from_db()
                return snapshot.status != Snapshot.Status.PENDING

            wait_for(done, timeout=30, what="redelivery", workers=[worker_a, worker_b])
        finally:
            release.set()

    assert snapshot.status == Snapshot.Status.OK, snapshot.error
    assert "Second delivery." in snapshot.text
    assert Snapshot.objects.filter(page=snapshot.page).count() == 1
    assert len(calls) >= 2
    assert "Second delivery" not in worker_a.log()


@pytest.mark.django_db(transaction=True)
def test_saving_with_the_broker_down_is_quick_and_leaves_the_snapshot_pending(
    client, user, monkeypatch
):
    down = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    close_broker_connections()
    monkeypatch.setenv("CELERY_BROKER_URL", down)  # Celery reads the environment first
    monkeypatch.setitem(app.conf, "broker_url", down)
    monkeypatch.setitem(
        app.conf,
        "broker_transport_options",
        {"socket_connect_timeout": 2, "socket_timeout": 2, "max_retries": 1},
    )
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    client.force_login(user)
    url = "http://127.0.0.1:9/never-fetched"

    try:
        started = time.monotonic()
        response = client.post(
            reverse("bookmarks:new"), {"url": url, "title": "Down", "description": "", "tags": ""}
        )
        elapsed = time.monotonic() - started
    finally:
        close_broker_connections()

    assert response.status_code == 302
    assert elapsed < 5
    bookmark = Bookmark.objects.get(user=user)
    assert bookmark.title == "Down"
    snapshot = Snapshot.objects.get(page=bookmark.page)
    assert snapshot.status == Snapshot.Status.PENDING
