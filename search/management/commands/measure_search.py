"""``manage.py measure_search``: how long searches take on this database.

Runs each query through the whole Django stack (middleware, view, template)
in this process, for an anonymous reader and for the member of the most
groups, and prints the median and 95th percentile, the number of SQL
queries and of results. For comparison it times the busiest public group's
page for its commonest tag, the page search is judged against. Run it on a
data set from ``generate_data`` after ``reindex_search --all``.
"""

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group, GroupItemTag

DEFAULT_QUERIES = [
    "latency",  # a common word
    "quorum leader",  # two words
    '"leader election"',  # a phrase, perhaps in no document
    "架構",  # CJK inside longer runs
    "微服务 -缓存",  # CJK with an exclusion
    "#Kubernetes",  # a tag alone
    "cache #Kubernetes",  # a word within a tag
    "zzzznothing",  # no match
]


class Command(BaseCommand):
    help = "Time searches (median and p95) on the current database."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="timed runs per query")
        parser.add_argument("queries", nargs="*", help="queries (default: a fixed mix)")

    def handle(self, *args, queries, runs, **options):
        queries = queries or DEFAULT_QUERIES
        member = (
            get_user_model()
            .objects.annotate(group_count=Count("memberships"))
            .order_by("-group_count", "pk")
            .first()
        )
        readers = [("anonymous", None)]
        if member is not None:
            readers.append((f"member of {member.group_count} groups", member))
        host = settings.ALLOWED_HOSTS[0]
        for label, user in readers:
            client = Client(HTTP_HOST=host)
            if user is not None:
                client.force_login(user)
            self.stdout.write(f"\n{label}")
            self.stdout.write(f"{'query':32} {'median ms':>10} {'p95 ms':>8} {'SQL':>4} results")
            for q in queries:
                self._time(client, reverse("search:results"), {"q": q}, q, runs)
            tag_page = self._tag_page()
            if tag_page:
                self._time(client, tag_page, {}, f"(tag page {tag_page})", runs)

    def _time(self, client, path, params, label, runs):
        response = client.get(path, params, secure=True)  # warm up
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, params, secure=True)
        # Read now: the next request clears the connection's query log.
        query_count = len(captured)
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            client.get(path, params, secure=True)
            timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
        shown = response.content.count(b'<article class="item')
        self.stdout.write(
            f"{label[:32]:32} {statistics.median(timings):10.1f} {p95:8.1f} "
            f"{query_count:4} {shown if response.status_code == 200 else response.status_code}"
        )

    def _tag_page(self) -> str | None:
        group = (
            Group.objects.filter(visibility=Group.Visibility.PUBLIC)
            .annotate(size=Count("items"))
            .order_by("-size")
            .first()
        )
        if group is None:
            return None
        top = (
            GroupItemTag.objects.filter(group=group)
            .values("tag__name")
            .annotate(n=Count("*"))
            .order_by("-n")
            .first()
        )
        if top is None:
            return None
        return reverse("groups:tag", args=[group.slug, top["tag__name"]])
