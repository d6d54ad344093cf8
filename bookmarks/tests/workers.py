"""Real Celery worker processes for the integration tests.

``Worker`` starts ``python -m bookmarks.tests.workers worker ...`` in its own
session (so the whole process group can be killed), with the environment of
a deployed worker. Run as a module, this file is the worker: the project's
Celery app with extra broker transport options (from
``TEST_BROKER_TRANSPORT_OPTIONS``, JSON), e.g. a short visibility timeout,
which the celery command line cannot set."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def worker_database_url() -> str:
    """The database pytest-django created, for a process of its own."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(
        self,
        *,
        name: str,
        queue: str,
        broker_url: str,
        log_dir: Path,
        transport_options: dict | None = None,
    ):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        env = dict(os.environ)
        env.update(
            DATABASE_URL=worker_database_url(),
            CELERY_BROKER_URL=broker_url,
            CELERY_TASK_ALWAYS_EAGER="false",
            FETCH_NETWORK="loopback",
            SECRET_KEY="x",
            DEBUG="false",
            HTTPS_ONLY="false",
            ENV_FILE="/dev/null",
            DJANGO_SETTINGS_MODULE="config.settings.base",
            MEDIA_ROOT=str(log_dir / "media"),
            CONN_MAX_AGE="0",
            TEST_BROKER_TRANSPORT_OPTIONS=json.dumps(transport_options or {}),
        )
        env.pop("REDIS_URL", None)  # the worker needs no cache
        args = [
            sys.executable,
            "-m",
            "bookmarks.tests.workers",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "-n",
            f"{name}-{os.getpid()}@localhost",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603
                args,
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker {self.name} did not start:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL the worker's whole process group: no warm shutdown, no ack."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A warm shutdown; SIGKILL for the group if it does not end in time."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()


def main() -> None:
    from config.celery import app

    extra = json.loads(os.environ.get("TEST_BROKER_TRANSPORT_OPTIONS") or "{}")
    options = dict(app.conf.broker_transport_options or {})
    options.update(extra)
    app.conf.broker_transport_options = options
    app.worker_main(sys.argv[1:])


if __name__ == "__main__":
    main()
