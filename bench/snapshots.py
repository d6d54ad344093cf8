"""The snapshot benchmark: real Celery workers cache a corpus of local pages.

    make bench-snapshots                     # 240 pages, 1 worker, 3 rounds
    make bench-snapshots BENCH_ARGS="--workers 2 --rounds 5"

It creates (and drops first) the PostgreSQL database ``commonplace_bench``,
serves the corpus (bench/corpus.py) from a process of its own on 127.0.0.1,
starts the worker processes on Redis, and then, in each round:

1. **bare**: in this process, one page at a time, ``requests.get`` the page,
   ``BeautifulSoup(page, "lxml")`` it, and ``requests.get`` every stylesheet
   and image a copy of it inlines: the least any snapshotter must do;
2. **pipeline**: ask for a new snapshot of every page (as saving does) and
   wait until the workers have finished them all: guarded fetches, decoding,
   sanitising, CSS cleaning, inlining, storage and the database, through the
   broker.

The two passes alternate within each round, so both see the same machine.
It prints each round's rates and their ratio, the medians, each worker's
peak memory (VmHWM from /proc), and checks every copy came out clean.
Traffic goes to 127.0.0.1 only (FETCH_NETWORK=loopback).
"""

import argparse
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.common import fresh_database

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/commonplace_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/13"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=240, help="pages in the corpus (≥ 200)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--rounds", type=int, default=3, help="bare/pipeline pairs to run")
    parser.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE),
        help="a PostgreSQL URL whose database name ends in _bench: it is dropped and created",
    )
    parser.add_argument("--broker", default=os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER))
    return parser.parse_args(argv)


# --- The corpus server --------------------------------------------------


def serve(routes, port_queue):
    """Serve the corpus until killed; runs in a process of its own so it
    takes no CPU from the bare pass's interpreter."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            found = routes.get(self.path)
            if found is None:
                self.send_error(404)
                return
            content_type, body = found
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128

        def server_bind(self):
            # No reverse lookup of our own name (HTTPServer.server_bind does one).
            import socketserver

            socketserver.TCPServer.server_bind(self)
            self.server_name, self.server_port = self.server_address[:2]

    server = Server(("127.0.0.1", 0), Handler)
    port_queue.put(server.server_address[1])
    server.serve_forever()


# --- Setting up ------------------------------------------------------------


def environment(args, media_root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=args.database,
        CELERY_BROKER_URL=args.broker,
        CELERY_TASK_ALWAYS_EAGER="false",
        FETCH_NETWORK="loopback",
        SECRET_KEY="benchmark-only",  # noqa: S106 - a throwaway site
        DEBUG="false",
        HTTPS_ONLY="false",
        ENV_FILE="/dev/null",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        MEDIA_ROOT=str(media_root),
    )
    env.pop("REDIS_URL", None)
    return env


def start_workers(count: int, env: dict, log_dir: Path) -> list[subprocess.Popen]:
    workers = []
    for n in range(count):
        log = (log_dir / f"worker-{n}.log").open("wb")
        workers.append(
            subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool=solo",
                    f"--hostname=bench{n}@localhost",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                    "--loglevel=INFO",
                ],
                cwd=BASE_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    deadline = time.monotonic() + 60
    for n, worker in enumerate(workers):
        log_path = log_dir / f"worker-{n}.log"
        while " ready." not in log_path.read_text(errors="replace"):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker {n} did not start:\n{log_path.read_text()}")
            time.sleep(0.1)
    return workers


def peak_memory_mib(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# --- The two passes --------------------------------------------------------


def bare_pass(base: str, corpus) -> float:
    """Seconds to fetch and parse every page and fetch what it inlines."""
    import requests
    from bs4 import BeautifulSoup

    started = time.perf_counter()
    for page in corpus.pages:
        response = requests.get(base + page.path, timeout=30)
        soup = BeautifulSoup(response.content, "lxml")
        assert soup.title is not None
        for path in page.resources:
            assert requests.get(base + path, timeout=30).content
    return time.perf_counter() - started


def pipeline_pass(page_ids: list[int]) -> tuple[float, dict]:
    """Seconds from asking for a snapshot of every page to the last one done."""
    from django.db import transaction
    from django.db.models import Count

    from bookmarks.models import Snapshot
    from bookmarks.snapshotting import request_snapshots

    started = time.perf_counter()
    with transaction.atomic():
        ids = request_snapshots(page_ids=page_ids, again=True)
    assert len(ids) == len(page_ids), "a page already had a snapshot pending"
    pending = Snapshot.objects.filter(pk__in=ids, status=Snapshot.Status.PENDING)
    while pending.exists():
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    outcome = dict(
        Snapshot.objects.filter(pk__in=ids)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return elapsed, outcome


def check_copies(media_root: Path) -> tuple[int, list[str]]:
    """Every stored copy: none may run script or reach the network."""
    problems = []
    copies = [path for path in (media_root / "snapshots").rglob("*") if path.is_file()]
    for path in copies:
        html = path.read_text(errors="replace").lower()
        for banned in ("<script", "<iframe", "<form", "javascript:", "expression(", "onclick="):
            if banned in html:
                problems.append(f"{path.name}: contains {banned}")
        if 'src="http' in html or "url(http" in html or "url('http" in html:
            problems.append(f"{path.name}: refers to a remote resource")
    return len(copies), problems


# --- The run ---------------------------------------------------------------


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.pages < 1:
        raise SystemExit("--pages must be at least 1")
    from bench.corpus import build_corpus

    corpus = build_corpus(args.pages)
    sizes = sorted(len(page.body) for page in corpus.pages)
    inlined = sorted(len(page.resources) for page in corpus.pages)
    print(
        f"corpus: {len(corpus.pages)} pages, {sum(sizes) / 2**20:.1f} MiB of HTML "
        f"(min {sizes[0] // 1024} KiB, median {statistics.median(sizes) / 1024:.0f} KiB, "
        f"max {sizes[-1] // 1024} KiB); {len(corpus.resources)} stylesheets and images, "
        f"{statistics.median(inlined):.0f} inlined per page (median)"
    )

    fresh_database(args.database)
    work = Path(tempfile.mkdtemp(prefix="commonplace-bench-"))
    media_root = work / "media"
    env = environment(args, media_root)
    os.environ.update(env)

    import django

    django.setup()
    from django.core.management import call_command

    from config.celery import app

    call_command("migrate", verbosity=0)
    app.control.purge()

    ports = multiprocessing.get_context("fork").Queue()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(corpus.routes(), ports), daemon=True
    )
    server.start()
    base = f"http://127.0.0.1:{ports.get(timeout=10)}"

    from bookmarks.canonical import canonical_url
    from bookmarks.services import get_or_create_pages

    urls = [canonical_url(base + page.path) for page in corpus.pages]
    page_ids = list(get_or_create_pages(canonical_urls=urls).values())
    workers = start_workers(args.workers, env, work)
    print(f"workers: {args.workers} (solo pool, one task at a time each); logs in {work}")
    idle_memory = [peak_memory_mib(w.pid) for w in workers]

    rows = []
    try:
        for round_number in range(1, args.rounds + 1):
            shutil.rmtree(media_root / "snapshots", ignore_errors=True)
            bare_seconds = bare_pass(base, corpus)
            pipeline_seconds, outcome = pipeline_pass(page_ids)
            bare_rate = len(corpus.pages) / bare_seconds
            per_worker = len(corpus.pages) / pipeline_seconds / args.workers
            rows.append((bare_rate, per_worker, per_worker / bare_rate))
            print(
                f"round {round_number}: bare {bare_rate:6.1f} pages/s · pipeline "
                f"{per_worker:6.1f} pages/s per worker · ratio {per_worker / bare_rate:.2f} · "
                + ", ".join(f"{n} {status}" for status, n in sorted(outcome.items()))
            )
        copies, problems = check_copies(media_root)
        peaks = [peak_memory_mib(w.pid) for w in workers]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        server.terminate()

    bare, pipeline, ratio = (statistics.median(column) for column in zip(*rows, strict=True))
    print()
    print(f"median of {len(rows)} rounds:")
    print(f"  bare requests + BeautifulSoup(lxml): {bare:.1f} pages/s")
    print(f"  pipeline through Celery workers:     {pipeline:.1f} pages/s per worker")
    print(f"  ratio pipeline / bare:               {ratio:.2f} (target ≥ 0.50)")
    for n, (idle, peak) in enumerate(zip(idle_memory, peaks, strict=True)):
        print(f"  worker {n} peak memory:             {peak:.0f} MiB (after start {idle:.0f} MiB)")
    print(f"  stored copies checked: {copies}, problems: {len(problems)}")
    for problem in problems[:20]:
        print(f"    {problem}")
    shutil.rmtree(work, ignore_errors=True)
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
