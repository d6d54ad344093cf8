"""Receivers that keep group versions current (see ``groups.caching``).

A row saved or deleted anywhere (a service, Django admin, a shell) sends
Django's model signals; the receivers here replace the version of the
groups that show the row, in the same transaction. Bulk writes send no
model signal: this app's own call ``caching`` directly, and bookmarks
announces its own with ``bookmarks.signals.content_changed``.

The apps below know nothing of groups: they are observed, never import.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_delete, pre_save

from annotations.models import Highlight, Note
from bookmarks import signals as bookmark_signals
from bookmarks.models import Bookmark, Page, Snapshot, Tag

from .caching import bump_before_deletion, bump_groups_showing, renew_generations, shared_cache
from .models import Group, GroupItem, GroupNote, Membership

#: A person's fields that group pages show (``User.name``).
NAME_FIELDS = frozenset({"display_name", "username"})

#: model: (keyword of groups_showing, the row's id of that kind). A row
#: shows wherever that id does: a highlight or sticky note wherever its
#: bookmark is shared, a snapshot wherever its page is an item, …
SHOWN_BY = {
    Group: ("group_ids", "pk"),
    Membership: ("group_ids", "group_id"),
    GroupItem: ("group_ids", "group_id"),
    GroupNote: ("item_ids", "item_id"),
    Highlight: ("bookmark_ids", "bookmark_id"),
    Note: ("bookmark_ids", "bookmark_id"),
    Bookmark: ("bookmark_ids", "pk"),
    Page: ("page_ids", "pk"),
    Snapshot: ("page_ids", "page_id"),
    Tag: ("tag_ids", "pk"),
}
#: Rows that show nowhere yet when they are created: a group (its version is
#: new), a bookmark (shared only afterwards), a page, a tag.
SHOWN_ONLY_ONCE_CHANGED = (Group, Bookmark, Page, Tag)
#: A deleted group takes its pages with it.
DELETED_ELSEWHERE = (Group,)


def saved(sender, instance, created=False, raw=False, **kwargs):
    if raw or (created and isinstance(instance, SHOWN_ONLY_ONCE_CHANGED)):
        return  # a fixture being loaded, or a row shown nowhere yet
    kind, field = SHOWN_BY[sender]
    bump_groups_showing(**{kind: [getattr(instance, field)]})


def deleting(sender, instance, origin=None, **kwargs):
    kind, field = SHOWN_BY[sender]
    bump_before_deletion(instance, origin, kind=kind, field=field)


def person_saved(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    # Signing in saves last_login only; a new account is named nowhere yet.
    if raw or created or (update_fields is not None and not NAME_FIELDS & set(update_fields)):
        return
    bump_groups_showing(user_ids=[instance.pk])


def group_renaming(sender, instance, raw=False, **kwargs):
    """A group leaving a slug: what was stored under the old one retires
    (the group's own bump covers the new one)."""
    if raw or instance.pk is None or not shared_cache():
        return
    old = Group.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is not None and old != instance.slug:
        renew_generations([old])


def group_deleting(sender, instance, **kwargs):
    """A deleted group's pages and feeds retire with it."""
    renew_generations([instance.slug])


def content_changed(sender, *, bookmark_ids=(), page_ids=(), tag_ids=(), **kwargs):
    """``bookmarks.signals.content_changed``: rows written in bulk, which send
    no model signal: bookmarks (or their tags, highlights and notes), pages
    (titles; snapshots asked for, taken or failed), tags (merged). A write it
    does not announce reaches cached pages only as they expire."""
    bump_groups_showing(bookmark_ids=bookmark_ids, page_ids=page_ids, tag_ids=tag_ids)


def connect() -> None:
    """Called once, from ``GroupsConfig.ready``."""
    uid = "groups.caching"
    for model in SHOWN_BY:
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}.saved.{model.__name__}")
        if model not in DELETED_ELSEWHERE:
            pre_delete.connect(
                deleting, sender=model, dispatch_uid=f"{uid}.deleting.{model.__name__}"
            )
    pre_save.connect(group_renaming, sender=Group, dispatch_uid=f"{uid}.group_renaming")
    pre_delete.connect(group_deleting, sender=Group, dispatch_uid=f"{uid}.group_deleting")
    post_save.connect(person_saved, sender=get_user_model(), dispatch_uid=f"{uid}.person")
    bookmark_signals.content_changed.connect(content_changed, dispatch_uid=f"{uid}.content_changed")
