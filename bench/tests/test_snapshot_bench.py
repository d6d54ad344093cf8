"""The snapshot benchmark's command runs end to end: real workers on Redis and
PostgreSQL cache a small corpus and every copy comes out clean."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bookmarks.tests.test_worker_integration import redis_reachable
from conftest import needs_service

BASE_DIR = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/13"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_benchmark_runs_with_real_workers():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL: set DATABASE_URL")
    needs_service(redis_reachable(BROKER), "Redis for the snapshot benchmark")
    db = connection.settings_dict
    database = (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/commonplace_smoke_bench"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bench.snapshots", "--pages", "6", "--rounds", "1"],
        cwd=BASE_DIR,
        env={**os.environ, "BENCH_DATABASE_URL": database, "BENCH_BROKER_URL": BROKER},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 ok" in result.stdout
    assert "stored copies checked: 6, problems: 0" in result.stdout
    assert "ratio pipeline / bare" in result.stdout


def test_the_benchmark_will_not_drop_a_database_not_named_for_it():
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "bench.snapshots",
            "--pages",
            "1",
            "--database",
            "postgres://postgres@127.0.0.1:5432/commonplace",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "refusing to drop 'commonplace'" in result.stderr
