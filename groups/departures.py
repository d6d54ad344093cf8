"""Leaving cleanly: unsharing, deleting bookmarks, leaving groups, deleting
an account. A group item outlives a departing sharer when others shared it
too (the next sharer leads it); it leaves the group with its last sharer.
A group always keeps an owner."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from bookmarks.models import Bookmark

from .caching import bump_groups_showing
from .models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership


class LastOwner(Exception):
    """The change would leave a group without an owner."""


def withdraw_shares(shares: QuerySet[GroupShare]) -> None:
    """Take these shares out of their items. An item left with no share
    leaves its group (with its discussion); the others are led by their
    earliest remaining share. Group notes on the withdrawn bookmarks'
    highlights go too: those highlights no longer show in the item."""
    rows = list(shares.values_list("item_id", "bookmark_id"))
    if not rows:
        return
    item_ids = {item_id for item_id, _ in rows}
    bookmark_ids = {bookmark_id for _, bookmark_id in rows}
    # Before the items go, and with them the way to their groups.
    bump_groups_showing(item_ids=item_ids)
    GroupNote.objects.filter(item_id__in=item_ids, highlight__bookmark_id__in=bookmark_ids).delete()
    GroupShare.objects.filter(pk__in=shares.values("pk")).delete()
    items = GroupItem.objects.filter(pk__in=item_ids)
    items.filter(~Exists(GroupShare.objects.filter(item=OuterRef("pk")))).delete()
    first = GroupShare.objects.filter(item=OuterRef("pk")).order_by("shared_at", "id")
    items.update(
        shared_at=Subquery(first.values("shared_at")[:1]),
        shared_by=Subquery(first.values("bookmark__user")[:1]),
    )
    GroupItemTag.objects.filter(item_id__in=item_ids).update(
        shared_at=Subquery(GroupItem.objects.filter(pk=OuterRef("item")).values("shared_at")[:1])
    )


@transaction.atomic
def unshare_bookmark(*, bookmark: Bookmark, group: Group) -> None:
    withdraw_shares(GroupShare.objects.filter(bookmark=bookmark, item__group=group))


@transaction.atomic
def delete_bookmarks(*, bookmarks: Iterable[Bookmark] | QuerySet[Bookmark]) -> int:
    """Delete bookmarks with their highlights and notes, handing on or
    removing the group items they led. Returns how many were deleted."""
    ids = (
        list(bookmarks.values_list("pk", flat=True))
        if isinstance(bookmarks, QuerySet)
        else [bookmark.pk for bookmark in bookmarks]
    )
    withdraw_shares(GroupShare.objects.filter(bookmark_id__in=ids))
    _, per_model = Bookmark.objects.filter(pk__in=ids).delete()
    return per_model.get(Bookmark._meta.label, 0)


def _owners(group: Group) -> QuerySet[Membership]:
    return Membership.objects.filter(group=group, role=Membership.Role.OWNER)


@transaction.atomic
def change_role(*, group: Group, user, role: str) -> Membership:
    membership = Membership.objects.select_for_update().get(group=group, user=user)
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and not _owners(group).exclude(user=user).exists()
    ):
        raise LastOwner
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def remove_member(*, group: Group, user) -> None:
    """Take a person out of a group (or let them leave). What they shared
    stays in the group; their last-owner status is guarded."""
    membership = Membership.objects.select_for_update().filter(group=group, user=user).first()
    if membership is None:
        return
    if membership.role == Membership.Role.OWNER and not _owners(group).exclude(user=user).exists():
        raise LastOwner
    membership.delete()


@transaction.atomic
def delete_account(*, user) -> None:
    """Delete a person and everything that is theirs: bookmarks, highlights,
    notes, memberships and discussion notes. Items they led pass to the next
    sharer. A group they alone own passes to its longest-standing moderator,
    else member; a group with no one else in it is deleted."""
    # Their name leaves every group that shows it (discussion notes too).
    bump_groups_showing(user_ids=[user.pk])
    for membership in Membership.objects.filter(user=user, role=Membership.Role.OWNER):
        group = membership.group
        if _owners(group).exclude(user=user).exists():
            continue
        heir = (
            Membership.objects.filter(group=group)
            .exclude(user=user)
            # Descending, "moderator" comes before "member".
            .order_by("-role", "joined_at", "id")
            .first()
        )
        if heir is None:
            group.delete()
        else:
            heir.role = Membership.Role.OWNER
            heir.save(update_fields=["role"])
    delete_bookmarks(bookmarks=Bookmark.objects.filter(user=user))
    user.delete()
