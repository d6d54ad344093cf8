"""What bookmarks tells the apps built on it, which it must not import."""

from django.dispatch import Signal

#: A snapshot has just become a good HTML copy with text. Sent with
#: ``snapshot`` inside the transaction that marks it ok, so a receiver's
#: writes commit with it or not at all (a failing receiver leaves the
#: snapshot pending, and the task's retry does both again).
snapshot_taken = Signal()

#: Bookmarks (``bookmark_ids``), pages (``page_ids``) or tags (``tag_ids``)
#: changed through a bulk write that sends no model signals: a bulk tag or
#: privacy edit, a tag merge, an import, a snapshot asked for, failed or taken.
#: Sent inside the writer's transaction.
content_changed = Signal()
