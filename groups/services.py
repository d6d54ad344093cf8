"""Writes for groups: members, shares into a group, and curation."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from annotations.models import Highlight
from bookmarks.models import Bookmark, Tag

from .models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership


class NotAMember(PermissionError):
    """Only a group's members may share into it."""


def add_member(*, group: Group, user, role: str = Membership.Role.MEMBER) -> Membership:
    membership, created = Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def create_group(*, name: str, slug: str, created_by, visibility: str, description: str = ""):
    group = Group.objects.create(
        name=name,
        slug=slug,
        description=description,
        visibility=visibility,
        created_by=created_by,
    )
    add_member(group=group, user=created_by, role=Membership.Role.OWNER)
    return group


@transaction.atomic
def share_bookmark(
    *,
    bookmark: Bookmark,
    group: Group,
    tags: Iterable[Tag] | None = None,
    shared_at: datetime | None = None,
) -> GroupItem:
    """Share a bookmark into a group the owner belongs to.

    The page becomes one group item whoever shares it; the earliest share
    gives the item its sharer and time, and the item's tags are the union of
    what its sharers gave (the bookmark's own tags unless ``tags`` is given).
    Sharing the same bookmark again changes nothing but the tags it adds."""
    if not Membership.objects.filter(group=group, user_id=bookmark.user_id).exists():
        raise NotAMember(f"{bookmark.user} is not a member of {group}.")
    shared_at = shared_at or timezone.now()
    tags = list(bookmark.tags.all() if tags is None else tags)

    item, _ = GroupItem.objects.get_or_create(
        group=group,
        page_id=bookmark.page_id,
        defaults={"shared_by_id": bookmark.user_id, "shared_at": shared_at},
    )
    share, share_created = GroupShare.objects.get_or_create(
        item=item, bookmark=bookmark, defaults={"shared_at": shared_at}
    )
    if share_created and shared_at < item.shared_at:
        item.shared_at = shared_at
        item.shared_by_id = bookmark.user_id
        item.save(update_fields=["shared_at", "shared_by"])
        GroupItemTag.objects.filter(item=item).update(shared_at=shared_at)
    GroupItemTag.objects.bulk_create(
        [GroupItemTag(item=item, tag=tag, group=group, shared_at=item.shared_at) for tag in tags],
        ignore_conflicts=True,
    )
    return item


@transaction.atomic
def set_item_tags(*, item: GroupItem, tags: Iterable[Tag]) -> None:
    tags = list(tags)
    GroupItemTag.objects.filter(item=item).exclude(tag__in=tags).delete()
    GroupItemTag.objects.bulk_create(
        [
            GroupItemTag(item=item, tag=tag, group_id=item.group_id, shared_at=item.shared_at)
            for tag in tags
        ],
        ignore_conflicts=True,
    )


def remove_items(*, items: Iterable[GroupItem]) -> int:
    """Take items out of their group, with their discussion. Bookmarks stay."""
    ids = items.values("pk") if isinstance(items, QuerySet) else [item.pk for item in items]
    _, per_model = GroupItem.objects.filter(pk__in=ids).delete()
    return per_model.get(GroupItem._meta.label, 0)


def add_group_note(
    *,
    item: GroupItem,
    author,
    text: str,
    highlight: Highlight | None = None,
    created_at: datetime | None = None,
) -> GroupNote:
    """A member's note in the group's discussion of an item, perhaps on one
    of the item's highlights."""
    if not Membership.objects.filter(group_id=item.group_id, user=author).exists():
        raise NotAMember(f"{author} is not a member of {item.group}.")
    if highlight is not None and highlight.bookmark.page_id != item.page_id:
        raise ValueError("The highlight is not on this item's page.")
    return GroupNote.objects.create(
        item=item,
        author=author,
        text=text,
        highlight=highlight,
        created_at=created_at or timezone.now(),
    )
