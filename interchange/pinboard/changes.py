"""When a library last changed, for posts/update.

Sync clients call posts/update and download posts/all only when its time
moved. An added or edited bookmark moves ``Bookmark.updated_at``, but a
deleted one leaves nothing behind to read. So each posts/update compares the
library's fingerprint (how many bookmarks, the newest ``updated_at``) with the
one it saw last: if it differs while no ``updated_at`` moved past the time
already reported, something was deleted, and the change is dated now. A
deletion is thus dated when the API first notices it (and never before
the time reported last), never missed, and
deleting costs nothing extra on any other path (web, admin, account removal).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookmarks.models import Bookmark


class SyncState(models.Model):
    """The fingerprint of a library as posts/update last saw it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    bookmark_count = models.PositiveIntegerField(default=0)
    #: The newest ``updated_at`` among the bookmarks then.
    newest_update = models.DateTimeField(null=True, blank=True)
    #: The time posts/update reports: the last change it knows of.
    changed_at = models.DateTimeField(_("changed"))

    class Meta:
        verbose_name = _("API sync state")
        verbose_name_plural = _("API sync states")

    def __str__(self):
        return str(self.user_id)


def last_change(*, user) -> datetime:
    """The most recent time a bookmark of the user's was added, changed or deleted."""
    found = Bookmark.objects.filter(user=user).aggregate(
        count=Count("id"), newest=Max("updated_at")
    )
    count, newest = found["count"], found["newest"]
    state = SyncState.objects.filter(user=user).first()
    if state is None:
        changed = newest or timezone.now()
        SyncState.objects.get_or_create(
            user=user,
            defaults={"bookmark_count": count, "newest_update": newest, "changed_at": changed},
        )
        return changed
    if (count, newest) == (state.bookmark_count, state.newest_update):
        return state.changed_at
    changed = max(state.changed_at, newest) if newest else state.changed_at
    if changed == state.changed_at:
        # No update explains the difference: a deletion. Dated now, and in
        # any case after the time last reported, so clients see it moved.
        changed = max(timezone.now(), state.changed_at + timedelta(seconds=1))
    SyncState.objects.filter(pk=state.pk).update(
        bookmark_count=count, newest_update=newest, changed_at=changed
    )
    return changed
