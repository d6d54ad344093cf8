"""``generate_data``: a large made-up data set for load tests and benchmarks.

    python manage.py generate_data --bookmarks 1000000
    python manage.py generate_data --bookmarks 20000 --groups 10 --seed 7

Everything not given is scaled from ``--bookmarks`` (see
``groups.datagen.Sizes.scaled``). The same seed on an empty database gives
the same data set. Rows are added to what is there, in one transaction:
a failure leaves nothing behind. Nothing is ever fetched.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from groups import datagen


class Command(BaseCommand):
    help = "Bulk-create a large made-up data set (people, groups, bookmarks, highlights, notes)."

    def add_arguments(self, parser):
        parser.add_argument("--bookmarks", type=int, required=True, help="bookmarks to create")
        for name, what in [
            ("users", "people (default: bookmarks / 100)"),
            ("groups", "groups (default: bookmarks / 5000)"),
            ("items", "group items (default: 30%% of bookmarks)"),
            ("highlights", "highlights (default: as many as bookmarks)"),
            ("notes", "sticky notes (default: bookmarks / 4)"),
            ("group-notes", "discussion notes (default: bookmarks / 20)"),
            ("tags", "distinct tags (default: bookmarks / 100)"),
        ]:
            parser.add_argument(f"--{name}", type=int, help=what)
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument(
            "--no-vacuum",
            action="store_true",
            help="PostgreSQL: only ANALYZE afterwards, no VACUUM",
        )

    def handle(self, *args, **options):
        try:
            sizes = datagen.Sizes.scaled(
                options["bookmarks"],
                **{
                    name: options[name]
                    for name in ("users", "groups", "items", "highlights", "notes", "tags")
                },
                group_notes=options["group_notes"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Generating on {connection.vendor} with seed {options['seed']}: {sizes}")
        started = time.perf_counter()
        writer = datagen.RowWriter(connection, report=self.stdout.write)
        with transaction.atomic():
            counts = datagen.generate(
                sizes, seed=options["seed"], writer=writer, report=self.stdout.write
            )
        written = time.perf_counter() - started
        # VACUUM cannot run inside a transaction (a test's, for one).
        vacuum = (
            connection.vendor == "postgresql"
            and not options["no_vacuum"]
            and not connection.in_atomic_block
        )
        datagen.analyze(connection, vacuum=vacuum)
        total = sum(counts.values())
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{total:,} rows in {elapsed:.1f} s ({total / elapsed:,.0f} rows/s; "
                f"written and committed in {written:.1f} s, "
                f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {elapsed - written:.1f} s)"
            )
        )
