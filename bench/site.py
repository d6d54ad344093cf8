"""The site benchmark: the real pages under gunicorn and wrk, beside two floors.

    make bench-site                                      # a million bookmarks, 3 rounds
    make bench-site BENCH_ARGS="--bookmarks 50000"       # a quick run
    make bench-site BENCH_ARGS="--reuse --rounds 5"      # the data set already there

It creates (and drops first) the PostgreSQL database ``commonplace_site_bench``
(``BENCH_SITE_DATABASE_URL``; the name must end in ``_bench``), fills it with
``manage.py generate_data`` (``--reuse`` keeps what is there), and serves the
site with gunicorn (DEBUG off, production settings plus the floor views of
``bench/urls.py``, one sync worker per core, Redis database 12 as the cache,
``BENCH_SITE_REDIS_URL``). wrk then drives each URL in turn from 127.0.0.1
with 8 connections: the floors (a 20-item template rendered from memory, and a
two-byte response), the busiest public group's busiest tag at page 1 and a
deep page, its group page, an item page, the tag's RSS feed and its 304
revalidation, search, and the same pages signed in (a session cookie made for
a member), with a two-tag page and a private group's tag page. Each URL gets
2 s of warm-up and 10 s of load (``--warmup``, ``--duration``), and the
server is idle again before the next one starts.

Before the load, a Django test client in this process asks each page twice
on the same database and cache and counts the queries: the first request,
and a repeat (no query on the repeat: served from the cache).

It prints, per URL and round, requests/s, p50, p95 and p99 and the ratio to
its floor (uncached pages to the 20-item floor; cached pages and 304s to the
two-byte floor), then the medians over the rounds and the issue's targets.
Traffic goes to 127.0.0.1 only; nothing is fetched (FETCH_NETWORK=off).

wrk rather than locust: the load generator shares two cores with the server,
and wrk's C event loop drives 8 connections on a sliver of one core where
Python clients would take CPU from the workers being measured; it reports
latency percentiles itself, and comes from Debian.
"""

import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

from bench.common import bench_database_name, fresh_database

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/commonplace_site_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/12"
SEARCH_WORD = "latency"

#: wrk prints one line the harness reads: requests, seconds, latencies in µs, errors.
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %d %.6f %.0f %.0f %.0f %d %d %d %d %d\\n",
    summary.requests, summary.duration / 1e6,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bookmarks", type=int, default=1_000_000, help="size of the data set")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reuse", action="store_true", help="keep the database as it is")
    parser.add_argument("--rounds", type=int, default=3, help="passes over every URL")
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per URL")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each")
    parser.add_argument("--connections", type=int, default=8, help="concurrent clients")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="gunicorn")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_SITE_DATABASE_URL", DEFAULT_DATABASE),
        help="a PostgreSQL URL whose database name ends in _bench: it is dropped and created",
    )
    parser.add_argument("--redis", default=os.environ.get("BENCH_SITE_REDIS_URL", DEFAULT_REDIS))
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="measure only the URLs whose label holds this (repeatable); the floors always run",
    )
    return parser.parse_args(argv)


# --- Setting up ------------------------------------------------------------


def database_has_data(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT to_regclass('groups_groupitem') IS NOT NULL"
            ).fetchone()
            if not row[0]:
                return False
            return connection.execute("SELECT EXISTS (SELECT 1 FROM groups_groupitem)").fetchone()[
                0
            ]
    except psycopg.OperationalError:
        return False


def vacuum_analyze(url: str) -> None:
    """Statistics and visibility maps for what the indexing commands wrote."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def environment(args, var: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        CELERY_BROKER_URL="memory://",
        FETCH_NETWORK="off",
        SECRET_KEY="benchmark-only",  # noqa: S106 - a throwaway site
        DEBUG="false",
        HTTPS_ONLY="false",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        ENV_FILE="/dev/null",
        MEDIA_ROOT=str(var / "media"),
        STATIC_ROOT=str(var / "static"),
    )
    return env


def manage(env: dict, *arguments: str) -> None:
    """Run a management command, its output going to ours."""
    print(f"$ manage.py {' '.join(arguments)}", flush=True)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *arguments], cwd=BASE_DIR, env=env, check=True
    )


def search_index_commands() -> list[str]:
    """The search app's indexing commands (generate_data writes rows, not
    search entries)."""
    from django.core.management import get_commands

    return sorted(
        name for name, app in get_commands().items() if app == "search" and "index" in name
    )


def flush_cache(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def start_server(env: dict, workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--no-control-socket", "--log-level", "warning", "--timeout", "120",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            if get(base, "/bench/floor/bytes/")[0] == 200:
                return server, base
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def get(base: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


# --- What to measure ---------------------------------------------------------


@dataclass
class Target:
    label: str
    path: str
    #: "items" and "bytes" are the floors; "page" and "304" the site.
    kind: str = "page"
    signed_in: bool = False
    headers: dict = field(default_factory=dict)
    queries_first: int | None = None
    queries_repeat: int | None = None
    status: int | None = None
    missing: str = ""
    runs: list[dict] = field(default_factory=list)

    @property
    def cached(self) -> bool:
        """Served whole from the cache: an anonymous page whose repeat made no
        query. The benchmark's cache is Redis, where a stored response is
        checked against its group's generation in the cache alone; a page
        built per request (signed in, or a search) reads at least its rows."""
        return (
            self.kind == "page"
            and not self.signed_in
            and self.queries_first is not None
            and self.queries_repeat == 0
            and self.queries_first > 0
        )

    @property
    def floor(self) -> str:
        if self.kind in ("items", "bytes"):
            return ""
        return "bytes" if self.kind == "304" or self.cached else "items"


def describe_data_set() -> str:
    from django.db import connection

    tables = [
        ("bookmarks", "bookmarks_bookmark"),
        ("items", "groups_groupitem"),
        ("highlights", "annotations_highlight"),
        ("notes", "annotations_note"),
        ("discussion", "groups_groupnote"),
        ("users", "accounts_user"),
        ("groups", "groups_group"),
        ("tags", "bookmarks_tag"),
    ]
    counts = []
    with connection.cursor() as cursor:
        for label, table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            counts.append(f"{cursor.fetchone()[0]:,} {label}")
    return ", ".join(counts)


def pick_targets() -> tuple[list[Target], object]:
    """The busiest public group and its busiest tag, an item at the top of
    that tag's page, a member to sign in as, and a private group they read."""
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from groups.models import Group, GroupItemTag, Membership

    group = (
        Group.objects.filter(visibility=Group.Visibility.PUBLIC)
        .annotate(n=Count("items"))
        .order_by("-n")
        .first()
    )
    if group is None:
        raise SystemExit("No public group: generate the data set first.")
    top = (
        GroupItemTag.objects.filter(group=group)
        .values("tag__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    tag, tagged = top["tag__name"], top["n"]
    second = (
        GroupItemTag.objects.filter(group=group)
        .exclude(tag__name=tag)
        .values("tag__name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("tag__name", flat=True)
        .first()
    )
    deep = max(1, min(500, (tagged + 19) // 20))
    item_id = (
        GroupItemTag.objects.filter(group=group, tag__name=tag)
        .order_by("-shared_at", "-item_id")
        .values_list("item_id", flat=True)
        .first()
    )
    private = (
        Group.objects.filter(visibility=Group.Visibility.PRIVATE)
        .annotate(n=Count("items"))
        .order_by("-n")
        .first()
    )
    reader = None
    if private is not None:
        both = Membership.objects.filter(group=private, user__memberships__group=group)
        reader = both.values_list("user", flat=True).first()
    if reader is None:
        reader = Membership.objects.filter(group=group, role="owner").values_list(
            "user", flat=True
        )[0]
    # A page that fails is reported by its status, not raised here.
    client = Client(raise_request_exception=False)
    client.force_login(type(group.created_by)._default_manager.get(pk=reader))

    tag_path = reverse("groups:tag", args=[group.slug, tag])
    group_path = reverse("groups:detail", args=[group.slug])
    item_path = reverse("groups:item", args=[group.slug, item_id])
    feed_path = reverse("feeds:group_tag_rss", args=[group.slug, tag])
    search_path = f"/search/?q={quote(SEARCH_WORD)}"
    targets = [
        Target("floor: 20 items from memory", "/bench/floor/items/", kind="items"),
        Target("floor: two bytes", "/bench/floor/bytes/", kind="bytes"),
    ]
    for signed_in in (False, True):
        who = "signed in" if signed_in else "anonymous"
        targets += [
            Target(f"tag page 1, {who}", tag_path, signed_in=signed_in),
            Target(f"tag page {deep}, {who}", f"{tag_path}?page={deep}", signed_in=signed_in),
            Target(f"group page, {who}", group_path, signed_in=signed_in),
            Target(f"item page, {who}", item_path, signed_in=signed_in),
        ]
        if not signed_in:
            targets += [
                Target(f"tag RSS, {who}", feed_path),
                Target(f"tag RSS 304, {who}", feed_path, kind="304"),
            ]
        targets.append(Target(f"search, {who}", search_path, signed_in=signed_in))
    if second:
        both = reverse("groups:tag", args=[group.slug, f"{tag},{second}"])
        targets.append(Target("tag a,b page 1, signed in", both, signed_in=True))
    if private is not None and Membership.objects.filter(group=private, user=reader).exists():
        private_top = (
            GroupItemTag.objects.filter(group=private)
            .values("tag__name")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        if private_top:
            path = reverse("groups:tag", args=[private.slug, private_top["tag__name"]])
            targets.append(Target("private group tag page, member", path, signed_in=True))
    print(
        f"group {group.slug!r} ({group.n:,} items), tag {tag!r} on {tagged:,} of them "
        f"({(tagged + 19) // 20:,} pages of 20); deep page {deep}"
    )
    return targets, client


def follow_redirects(targets: list[Target], signed_in_client) -> None:
    """Ask for the site's own spelling of each URL (tag order, casing) once;
    the caller empties the cache afterwards."""
    from django.test import Client

    anonymous = Client(raise_request_exception=False)
    for target in targets:
        if target.kind == "page":
            client = signed_in_client if target.signed_in else anonymous
            response = client.get(target.path)
            location = response.headers.get("Location", "")
            if response.status_code in (301, 308) and location.startswith("/"):
                target.path = location


def count_queries(targets: list[Target], signed_in_client) -> None:
    """Each page twice through a test client on the same database and cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    anonymous = Client(raise_request_exception=False)
    for target in targets:
        if target.kind in ("items", "bytes", "304"):
            continue
        client = signed_in_client if target.signed_in else anonymous
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(target.path)
            counts.append(len(captured))
        target.queries_first, target.queries_repeat = counts
        target.status = response.status_code
    connection.close()


def check_targets(base: str, targets: list[Target], cookie: str) -> None:
    """One request each through the server: what answers, and the validators
    a 304 run sends."""
    for target in targets:
        if target.signed_in:
            target.headers["Cookie"] = cookie
        if target.kind == "304":
            status, headers, _ = get(base, target.path)
            etag = headers.get("ETag")
            modified = headers.get("Last-Modified")
            if etag:
                target.headers["If-None-Match"] = etag
            elif modified:
                target.headers["If-Modified-Since"] = modified
            else:
                target.missing = "the feed sends no ETag or Last-Modified"
                continue
        status, headers, _ = get(base, target.path, target.headers)
        if status in (301, 308) and headers.get("Location", "").startswith("/"):
            # The site's own spelling of the URL (tag order or casing): load that.
            target.path = headers["Location"]
            status, _, _ = get(base, target.path, target.headers)
        expected = 304 if target.kind == "304" else 200
        target.status = status
        if status != expected:
            target.missing = f"HTTP {status}" + (" (not built yet?)" if status == 404 else "")


# --- Load ----------------------------------------------------------------------


def wrk(base: str, target: Target, args, seconds: float, script: Path) -> dict:
    command = [
        "wrk", "--latency", f"-t{args.threads}", f"-c{args.connections}",
        f"-d{max(seconds, 1):.0f}s", "--timeout", "30s", "-s", str(script),
    ]  # fmt: skip
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(base + target.path)
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    line = next(line for line in result.stdout.splitlines() if line.startswith("BENCH "))
    requests, duration, p50, p95, p99, *errors = line.split()[1:]
    if int(requests) == 0:  # nothing answered within the run
        p50 = p95 = p99 = "nan"
    return {
        "rps": int(requests) / float(duration),
        "p50": float(p50) / 1000,
        "p95": float(p95) / 1000,
        "p99": float(p99) / 1000,
        "errors": sum(int(n) for n in errors),
    }


def wait_until_idle(base: str, server: subprocess.Popen, log: Path) -> None:
    """Between two URLs: every worker answers the two-byte floor again, so
    slow requests left over from one URL do not count against the next."""
    from concurrent.futures import ThreadPoolExecutor

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()[-5000:]}")
        try:
            with ThreadPoolExecutor(4) as pool:
                answers = list(pool.map(lambda _: get(base, "/bench/floor/bytes/")[0], range(4)))
            if answers == [200] * 4:
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not come back within 180 s:\n{log.read_text()[-5000:]}")


def run_round(base: str, targets: list[Target], args, script: Path, server, log: Path) -> None:
    for target in targets:
        if target.missing:
            continue
        wait_until_idle(base, server, log)
        if args.warmup > 0:
            wrk(base, target, args, args.warmup, script)
        target.runs.append(wrk(base, target, args, args.duration, script))


# --- Reporting -----------------------------------------------------------------


def median(target: Target, key: str) -> float:
    return statistics.median(run[key] for run in target.runs)


def table(targets: list[Target], floors: dict[str, Target], pick) -> str:
    header = (
        f"{'URL':<36} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'queries':>8} {'cached':>6}  {'vs floor':>14}"
    )
    lines = [header, "-" * len(header)]
    for target in targets:
        if target.missing:
            lines.append(f"{target.label:<36} missing: {target.missing}")
            continue
        run = pick(target)
        queries = (
            "-"
            if target.queries_first is None
            else f"{target.queries_first}/{target.queries_repeat}"
        )
        ratio = ""
        if target.floor and pick(floors[target.floor])["rps"]:
            floor = pick(floors[target.floor])
            ratio = f"{run['rps'] / floor['rps']:6.0%} of {target.floor:<5}"
        errors = f"  {run['errors']} errors" if run["errors"] else ""
        lines.append(
            f"{target.label:<36} {run['rps']:8.1f} {run['p50']:8.1f} {run['p95']:8.1f} "
            f"{run['p99']:8.1f} {queries:>8} {'yes' if target.cached else 'no':>6}  "
            f"{ratio:>14}{errors}"
        )
    return "\n".join(lines)


def verdicts(targets: list[Target], floors: dict[str, Target]) -> list[str]:
    found = {target.label: target for target in targets if target.runs}
    items, two_bytes = floors["items"], floors["bytes"]
    lines = []

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "FAIL"

    if not (median(items, "rps") and median(two_bytes, "rps")):
        return ["the floors answered nothing: no verdicts"]

    tag = found.get("tag page 1, signed in")
    if tag:
        share = median(tag, "rps") / median(items, "rps")
        tail = median(tag, "p99") / median(items, "p99")
        lines.append(
            f"uncached tag page (signed in): {share:.0%} of the 20-item floor's req/s "
            f"(target ≥ 40%), p99 {tail:.1f}× the floor's (target ≤ 3×): "
            f"{verdict(share >= 0.4 and tail <= 3)}"
        )
    for target in targets:
        if target.runs and (target.cached or target.kind == "304"):
            share = median(target, "rps") / median(two_bytes, "rps")
            lines.append(
                f"{target.label}: {share:.0%} of the two-byte floor (target ≥ 50%): "
                f"{verdict(share >= 0.5)}"
            )
    not_cached = [t.label for t in targets if t.runs and t.kind == "page" and not t.signed_in]
    not_cached = [label for label in not_cached if not found[label].cached]
    if not_cached:
        lines.append("not served from the cache: " + "; ".join(not_cached))
    for who in ("anonymous", "signed in"):
        first = found.get(f"tag page 1, {who}")
        deep = next(
            (t for t in targets if t.runs and t.label.startswith("tag page ")
             and t.label.endswith(who) and t is not first),
            None,
        )  # fmt: skip
        if first and deep:
            ratio = median(deep, "p50") / median(first, "p50")
            lines.append(
                f"{deep.label} p50 {ratio:.1f}× page 1's (target ≤ 2×): {verdict(ratio <= 2)}"
            )
            if deep.queries_repeat is not None:
                # The repeats: a first request may fill something the next page reuses.
                same = deep.queries_repeat == first.queries_repeat
                lines.append(
                    f"queries on a repeat, page 1 and {deep.label}: {first.queries_repeat} "
                    f"and {deep.queries_repeat}: {'constant' if same else 'NOT constant'}"
                )
    search = found.get("search, signed in") or found.get("search, anonymous")
    if search and tag:
        ratio = median(search, "p95") / median(tag, "p95")
        lines.append(
            f"{search.label} p95 {ratio:.1f}× the uncached tag page's (target ≤ 3×): "
            f"{verdict(ratio <= 3)}"
        )
    elif any(t.label.startswith("search") and t.missing for t in targets):
        lines.append("search: not measured (" + next(
            t.missing for t in targets if t.label.startswith("search") and t.missing
        ) + ")")  # fmt: skip
    return lines


# --- Main ------------------------------------------------------------------------


def main(argv=None) -> int:
    args = parse_args(argv)
    bench_database_name(args.database)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench-site does)")
    var = BASE_DIR / "var" / "bench-site"
    var.mkdir(parents=True, exist_ok=True)
    env = environment(args, var)
    os.environ.update(env)
    import django

    django.setup()

    if args.reuse and database_has_data(args.database):
        print(f"Reusing {urlsplit(args.database).path.lstrip('/')}")
        manage(env, "migrate", "--noinput", "-v0")
    else:
        fresh_database(args.database)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "generate_data", f"--bookmarks={args.bookmarks}", f"--seed={args.seed}")
        for command in search_index_commands():
            started = time.perf_counter()
            manage(env, command)
            print(f"{command}: {time.perf_counter() - started:.1f} s")
        vacuum_analyze(args.database)
    manage(env, "collectstatic", "--noinput", "-v0")
    print("data set:", describe_data_set())

    targets, client = pick_targets()
    if args.only:
        targets = [
            target
            for target in targets
            if target.kind in ("items", "bytes") or any(part in target.label for part in args.only)
        ]
    follow_redirects(targets, client)
    flush_cache(args.redis)
    count_queries(targets, client)
    cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in client.cookies.items())
    floors = {target.kind: target for target in targets if target.kind in ("items", "bytes")}

    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "report.lua"
        script.write_text(WRK_REPORT)
        log = var / "gunicorn.log"
        server, base = start_server(env, args.workers, log)
        try:
            check_targets(base, targets, cookie)
            print(
                f"gunicorn: {args.workers} sync workers; wrk: {args.threads} threads, "
                f"{args.connections} connections, {args.duration:.0f} s per URL "
                f"after {args.warmup:.0f} s of warm-up"
            )
            for n in range(args.rounds):
                load = os.getloadavg()[0]
                run_round(base, targets, args, script, server, log)
                print(
                    f"\nround {n + 1} of {args.rounds} (load average {load:.2f} before, "
                    f"{os.getloadavg()[0]:.2f} after)"
                )
                print(table(targets, floors, lambda t, n=n: t.runs[n]))
        finally:
            server.terminate()
            server.wait(timeout=30)
    if args.rounds > 1:
        print(f"\nmedians of {args.rounds} rounds")
        print(
            table(
                targets,
                floors,
                lambda t: {k: median(t, k) for k in ("rps", "p50", "p95", "p99", "errors")},
            )
        )
    print(
        "\nqueries: first request / repeat through a test client (cached: the repeat made "
        "none); vs floor: req/s over the 20-item floor's (items) or the two-byte one's (bytes)"
    )
    print("\n".join(["targets:", *(f"  {line}" for line in verdicts(targets, floors))]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
