"""``manage.py reindex_search [--all]``: bring the search index up to date.

Without ``--all``, entries that are missing or older than what they are
built from (after imports and other bulk writes, which send no signals);
with it, every bookmark's entry, in batches. Safe to run at any time, and
again: an entry is rebuilt from the rows as they are.
"""

import time

from django.core.management.base import BaseCommand

from search.indexing import bookmark_id_batches, reindex_bookmarks, stale_bookmark_ids


class Command(BaseCommand):
    help = "Index bookmarks for search: the stale and missing ones, or --all."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="Rebuild every entry, not only stale ones."
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if options["all"]:
            written = 0
            for batch in bookmark_id_batches():
                written += reindex_bookmarks(batch)
                if options["verbosity"] > 1:
                    self.stdout.write(f"{written} entries…")
        else:
            written = reindex_bookmarks(stale_bookmark_ids())
        elapsed = time.monotonic() - started
        self.stdout.write(f"Indexed {written} bookmarks for search in {elapsed:.1f} s.")
