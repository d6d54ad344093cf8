"""The import/export benchmark: a 100,000-entry Netscape bookmark file, imported
and exported again, timed and measured.

    .venv/bin/python -m bench.imports                       # SQLite, 100,000 entries, 3 rounds
    .venv/bin/python -m bench.imports --entries 20000 --rounds 5
    .venv/bin/python -m bench.imports --database postgres://postgres@127.0.0.1:5432/commonplace_bench

It writes a repeatable file (``generate``: the same seed gives the same
bytes) shaped like a browser's export: nested folders, tags (some CJK, some
with spaces), descriptions and icons on some links, a few links no library
keeps (``javascript:``, ``place:``). Then, in each round, on a freshly
migrated database, in a process of its own:

1. **import**: ``manage.py import_bookmarks FILE --user bench`` (folders as
   tags): wall time, and the process's peak resident memory (VmHWM) against
   its size before reading the file;
2. **export**: ``manage.py export_bookmarks --user bench`` as HTML and as CSV,
   written to a file: wall time each.

It prints each round and the medians, with the CPU time beside each wall
time and the load average after each round: on a shared machine the wall
time also counts others' work. Nothing is fetched (FETCH_NETWORK=off:
imported pages get pending snapshots, as they would with the worker down).
"""

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import common

BASE_DIR = Path(__file__).resolve().parent.parent
_WORDS = (
    "garden compost river quiet architecture cache layer queue design typography "
    "backup server winter review paper consensus boats podcast shell rsync notes "
    "recipe dumplings forecast weather tools regex reading later walking essays"
)
WORDS = _WORDS.split()
TAGS = WORDS[:20] + ["架構", "讀書", "茶", "long reads", "distributed systems", "python"]
FOLDERS = ["Work", "Reading", "Recipes", "Tools, misc", "Travel/2024", "研究", "Music"]
ICON = "data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQ" * 12


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database",
        default="",
        help="a PostgreSQL URL whose database name ends in _bench (dropped and created each "
        "round); SQLite in a temporary folder by default",
    )
    parser.add_argument("--keep", metavar="DIR", help="leave the file and exports here")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- The file -------------------------------------------------------------


def generate(path: Path, entries: int, *, seed: int = 7) -> int:
    """Write a Netscape bookmark file of ``entries`` links; returns its size."""
    rng = random.Random(seed)  # noqa: S311 - a repeatable file, not a secret
    start = 1_500_000_000
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<!DOCTYPE NETSCAPE-Bookmark-file-1>\n"
            '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n'
            "<TITLE>Bookmarks</TITLE>\n<H1>Bookmarks</H1>\n<DL><p>\n"
        )
        written = 0
        while written < entries:
            # A folder of up to 50 links, one to three levels deep.
            path_names = rng.sample(FOLDERS, rng.randint(1, 3))
            for depth, name in enumerate(path_names):
                indent = "    " * (depth + 1)
                out.write(f'{indent}<DT><H3 ADD_DATE="{start}">{_escape(name)}</H3>\n')
                out.write(f"{indent}<DL><p>\n")
            indent = "    " * (len(path_names) + 1)
            for _ in range(min(rng.randint(1, 50), entries - written)):
                out.write(indent + _link(rng, written, start) + "\n")
                written += 1
            for depth in reversed(range(len(path_names))):
                out.write("    " * (depth + 1) + "</DL><p>\n")
        out.write("</DL><p>\n")
    return path.stat().st_size


def _link(rng: random.Random, n: int, start: int) -> str:
    added = start + n * 60
    if n % 997 == 0:
        return f'<DT><A HREF="javascript:void({n})" ADD_DATE="{added}">Bookmarklet {n}</A>'
    title = " ".join(rng.choices(WORDS, k=rng.randint(3, 9))).capitalize()
    attrs = f'HREF="https://site{n % 5000}.example.com/{rng.choice(WORDS)}/{n}?ref=bench&amp;n={n}"'
    attrs += f' ADD_DATE="{added}" LAST_MODIFIED="{added + rng.randint(0, 10**6)}"'
    if rng.random() < 0.25:
        attrs += f' ICON="{ICON}"'
    tags = rng.sample(TAGS, rng.randint(0, 4))
    if tags:
        attrs += f' TAGS="{_escape(",".join(tags))}"'
    link = f"<DT><A {attrs}>{_escape(title)} #{n}</A>"
    if rng.random() < 0.3:
        link += f"\n<DD>{_escape(' '.join(rng.choices(WORDS, k=rng.randint(10, 40))))}."
    return link


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


# --- Rounds ---------------------------------------------------------------


def environment(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DATABASE_URL=database,
        SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789",  # noqa: S106
        DEBUG="false",  # DEBUG keeps every query in memory
        HTTPS_ONLY="false",
        FETCH_NETWORK="off",
        CELERY_BROKER_URL="memory://",
        ENV_FILE="/dev/null",
    )
    return env


def fresh_database(url: str, folder: Path, template: Path | None) -> tuple[str, Path | None]:
    """A migrated, empty database: SQLite copied from a migrated template,
    PostgreSQL dropped and created (only a database named *_bench)."""
    if not url:
        db = folder / "bench.sqlite3"
        database = f"sqlite:///{db}"
        if template is None:
            manage(["migrate", "--noinput", "-v0"], database)
            template = folder / "template.sqlite3"
            shutil.copy(db, template)
        else:
            shutil.copy(template, db)
        return database, template
    common.fresh_database(url)
    manage(["migrate", "--noinput", "-v0"], url)
    return url, None


def manage(arguments: list[str], database: str) -> None:
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env=environment(database),
        check=True,
        capture_output=True,
    )


def measured(arguments: list[str], database: str) -> dict:
    """Run a management command in a child process that reports its time and memory."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.imports", "--child", *arguments],
        cwd=BASE_DIR,
        env=environment(database),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def child(arguments: list[str]) -> None:
    """In the child: set Django up, then time the command alone."""
    import io

    import django
    from django.core.management import call_command

    django.setup()
    if arguments[0] == "import_bookmarks":
        from accounts.models import User

        User.objects.get_or_create(username="bench")
    before = _memory("VmRSS")
    started, cpu = time.perf_counter(), _cpu()
    out = io.StringIO()
    call_command(*arguments, stdout=out, stderr=io.StringIO())
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    summary = [line for line in out.getvalue().splitlines() if line.startswith("Bookmarks:")]
    report = {"seconds": seconds, "cpu": cpu, "rss_before_kib": before}
    report["peak_kib"] = _memory("VmHWM")
    print(json.dumps({**report, "summary": summary[0] if summary else ""}))


def _cpu() -> float:
    """This process's CPU time: on a shared machine, wall time also counts
    the time others' processes held the CPU."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _memory(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _times(measure: dict) -> str:
    return f"{measure['seconds']:.1f} s ({measure['cpu']:.1f} s CPU)"


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.child:
        child(args.child)
        return
    folder = Path(args.keep or tempfile.mkdtemp(prefix="bench-imports-"))
    folder.mkdir(parents=True, exist_ok=True)
    bookmarks = folder / "bookmarks.html"
    started = time.perf_counter()
    size = generate(bookmarks, args.entries)
    print(
        f"{bookmarks}: {args.entries:,} links, {size / 2**20:.1f} MiB "
        f"(written in {time.perf_counter() - started:.1f} s)"
    )
    template, rounds = None, []
    for number in range(1, args.rounds + 1):
        database, template = fresh_database(args.database, folder, template)
        imported = measured(["import_bookmarks", str(bookmarks), "--user", "bench"], database)
        html = measured(
            ["export_bookmarks", "--user", "bench", "--output", str(folder / "out.html")], database
        )
        csv = measured(
            [
                "export_bookmarks",
                "--user",
                "bench",
                "--format",
                "csv",
                "--output",
                str(folder / "out.csv"),
            ],
            database,
        )
        rounds.append((imported, html, csv))
        peak, before = imported["peak_kib"] / 1024, imported["rss_before_kib"] / 1024
        export_peak = max(html["peak_kib"], csv["peak_kib"]) / 1024
        print(
            f"round {number}: import {_times(imported)}, peak {peak:.0f} MiB (from "
            f"{before:.0f} MiB before reading); export HTML {_times(html)}, CSV {_times(csv)}, "
            f"peak {export_peak:.0f} MiB; {imported['summary']}; load {_load()}"
        )

    def median(values) -> float:
        return statistics.median(values)

    def medians(index: int) -> dict:
        return {key: median(r[index][key] for r in rounds) for key in ("seconds", "cpu")}

    print(
        f"median of {len(rounds)}: import {_times(medians(0))}, peak memory "
        f"{median(r[0]['peak_kib'] for r in rounds) / 1024:.0f} MiB; "
        f"export HTML {_times(medians(1))}, CSV {_times(medians(2))}"
    )
    if not args.keep:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
