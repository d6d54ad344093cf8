from django.core.management.base import BaseCommand

from bookmarks.models import Snapshot
from bookmarks.snapshotting import RetryLater, take_snapshot


class Command(BaseCommand):
    help = "Take every pending snapshot now, in the foreground, with progress."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None, help="At most this many.")

    def handle(self, *args, limit, **options):
        pending = Snapshot.objects.filter(status=Snapshot.Status.PENDING).order_by("created_at")
        ids = list(pending.values_list("pk", flat=True)[:limit])
        done = {"ok": 0, "failed": 0, "later": 0}
        for number, snapshot_id in enumerate(ids, start=1):
            try:
                snapshot = take_snapshot(snapshot_id=snapshot_id)
            except RetryLater as exc:
                done["later"] += 1
                self.stderr.write(f"[{number}/{len(ids)}] {snapshot_id}: try again later ({exc})")
                continue
            if snapshot is None:
                continue
            done[snapshot.status] += 1
            outcome = snapshot.status if snapshot.status == "ok" else snapshot.error
            self.stdout.write(f"[{number}/{len(ids)}] {snapshot.page.url}: {outcome}")
        self.stdout.write(
            f"Snapshots: {done['ok']} ok, {done['failed']} failed, "
            f"{done['later']} still pending (a network error or a server error)."
        )
