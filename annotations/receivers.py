"""How annotations reacts to what happens in bookmarks (connected in apps.py)."""

import logging

from django.dispatch import receiver

from bookmarks.signals import snapshot_taken

from .anchoring import reanchor_page

logger = logging.getLogger(__name__)


@receiver(snapshot_taken, dispatch_uid="annotations.reanchor_on_snapshot")
def reanchor_on_snapshot(sender, snapshot, **kwargs):
    """The new copy is the one readers see: every highlight of the page moves
    to it, in the same transaction, so no reader sees the new copy with
    highlights still placed in the old one. It takes milliseconds (README)."""
    counts = reanchor_page(snapshot.page_id, snapshot)
    if counts:
        logger.info("Snapshot %s: highlights re-anchored %s", snapshot.pk, dict(counts))
