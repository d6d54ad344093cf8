"""The site benchmark: its floor views answer under the benchmark's URLs,
and (on PostgreSQL, with Redis and wrk) the command runs end to end on a
tiny data set."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from bench import settings as bench_settings
from bench.site import Target
from bookmarks.tests.test_worker_integration import redis_reachable
from conftest import needs_service

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/11"

with_bench_urls = override_settings(ROOT_URLCONF="bench.urls", TEMPLATES=bench_settings.TEMPLATES)


@pytest.mark.django_db
@with_bench_urls
def test_the_floors_answer_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        page = client.get("/bench/floor/items/")
        small = client.get("/bench/floor/bytes/")
    assert page.status_code == 200
    assert page.content.count(b'<li>\n      <a href="https://example.org/') == 20
    assert small.content == b"ok"


@with_bench_urls
def test_the_site_urls_are_all_still_there():
    assert reverse("home") == "/"
    assert reverse("groups:tag", args=["g", "t"]) == "/groups/g/tags/t/"


def test_only_a_stored_response_is_compared_with_the_two_byte_floor():
    """A response served from the cache makes no query on a repeat; a search
    whose repeat makes two was once taken for one."""
    page = Target("tag page 1, anonymous", "/groups/g/tags/t/", queries_first=11, queries_repeat=0)
    search = Target("search, anonymous", "/search/?q=x", queries_first=6, queries_repeat=2)
    signed_in = Target(
        "tag page 1, signed in", "/groups/g/tags/t/", signed_in=True, queries_first=3
    )
    signed_in.queries_repeat = 0
    assert page.cached and page.floor == "bytes"
    assert not search.cached and search.floor == "items"
    assert not signed_in.cached and signed_in.floor == "items"


@pytest.mark.slow
@pytest.mark.django_db
def test_the_benchmark_runs_on_a_tiny_data_set():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL: set DATABASE_URL")
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed (make bench-site installs it)")
    needs_service(redis_reachable(REDIS), "Redis for the site benchmark's cache")
    db = connection.settings_dict
    database = (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/commonplace_sitesmoke_bench"
    )
    command = [sys.executable, "-m", "bench.site", "--bookmarks", "1500", "--rounds", "1"]
    result = subprocess.run(
        [*command, "--duration", "1", "--warmup", "0", "--connections", "2"],
        cwd=BASE_DIR,
        env={**os.environ, "BENCH_SITE_DATABASE_URL": database, "BENCH_SITE_REDIS_URL": REDIS},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1,500 bookmarks" in result.stdout
    floors = [line for line in result.stdout.splitlines() if line.startswith("floor: ")]
    assert len(floors) == 2 and all(float(line.split()[-6]) > 0 for line in floors)
    assert "tag page 1, signed in" in result.stdout
    assert "targets:" in result.stdout


def test_the_benchmark_will_not_touch_a_database_not_named_for_it():
    result = subprocess.run(
        [
            sys.executable, "-m", "bench.site", "--bookmarks", "10",
            "--database", "postgres://postgres@127.0.0.1:5432/commonplace",
        ],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "refusing to drop 'commonplace'" in result.stderr
