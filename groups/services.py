"""Writes for groups: members, shares into a group, and curation."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from annotations.models import Highlight
from bookmarks.models import Bookmark, BookmarkTag, Tag

from .caching import bump_groups
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


@dataclass(frozen=True)
class Share:
    """One bookmark to share into a group, when, and with which tags."""

    bookmark: Bookmark
    shared_at: datetime
    tag_ids: frozenset[int]


@transaction.atomic
def share_bookmark(
    *,
    bookmark: Bookmark,
    group: Group,
    tags: Iterable[Tag] | None = None,
    shared_at: datetime | None = None,
) -> GroupItem:
    """Share a bookmark into a group its owner belongs to (the bookmark's own
    tags unless ``tags`` is given). See share_bookmarks for the rules."""
    if not Membership.objects.filter(group=group, user_id=bookmark.user_id).exists():
        raise NotAMember(f"{bookmark.user} is not a member of {group}.")
    tags = bookmark.tags.all() if tags is None else tags
    share = Share(bookmark, shared_at or timezone.now(), frozenset(tag.pk for tag in tags))
    share_bookmarks(group=group, shares=[share])
    return GroupItem.objects.get(group=group, page_id=bookmark.page_id)


def share_bookmarks(*, group: Group, shares: Iterable[Share]) -> int:
    """Share many bookmarks into a group in a few queries; the caller has
    checked membership and holds the transaction. Returns the new shares.

    The rules: a page is one item per group whoever shares it; the earliest
    share gives the item its sharer and time (copied onto the item's tags for
    the tag index); the item's tags are the union of what its sharers gave;
    sharing the same bookmark again adds only tags."""
    shares = list({share.bookmark.pk: share for share in shares}.values())
    page_ids = {share.bookmark.page_id for share in shares}
    items = {
        item.page_id: item for item in GroupItem.objects.filter(group=group, page_id__in=page_ids)
    }
    for share in sorted(shares, key=lambda share: share.shared_at):
        if share.bookmark.page_id not in items:
            items[share.bookmark.page_id] = GroupItem(
                group=group,
                page_id=share.bookmark.page_id,
                shared_by_id=share.bookmark.user_id,
                shared_at=share.shared_at,
            )
    GroupItem.objects.bulk_create([item for item in items.values() if item.pk is None])
    done = set(
        GroupShare.objects.filter(
            item__in=list(items.values()), bookmark__in=[share.bookmark for share in shares]
        ).values_list("item_id", "bookmark_id")
    )
    new_shares, earlier = [], {}
    for share in shares:
        item = items[share.bookmark.page_id]
        if (item.pk, share.bookmark.pk) in done:
            continue
        new_shares.append(GroupShare(item=item, bookmark=share.bookmark, shared_at=share.shared_at))
        if share.shared_at < item.shared_at:
            item.shared_at, item.shared_by_id = share.shared_at, share.bookmark.user_id
            earlier[item.pk] = item
    GroupShare.objects.bulk_create(new_shares)
    if earlier:
        GroupItem.objects.bulk_update(list(earlier.values()), ["shared_at", "shared_by"])
        for item in earlier.values():  # rare: the page was shared here later than this
            GroupItemTag.objects.filter(item=item).update(shared_at=item.shared_at)
    GroupItemTag.objects.bulk_create(
        [
            GroupItemTag(item=item, tag_id=tag_id, group=group, shared_at=item.shared_at)
            for share in shares
            for item in [items[share.bookmark.page_id]]
            for tag_id in share.tag_ids
        ],
        ignore_conflicts=True,
    )
    bump_groups([group.pk])  # bulk writes send no signal
    return len(new_shares)


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
    bump_groups([item.group_id])


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


class AlreadyMember(ValueError):
    """The person already belongs to the group."""


class PrivateGroup(PermissionError):
    """A private group is joined only through its owners and moderators."""


def enrol(*, group: Group, user) -> tuple[Membership, bool]:
    """Make a person a member; someone already in keeps their role.
    Returns (membership, created)."""
    return Membership.objects.get_or_create(
        group=group, user=user, defaults={"role": Membership.Role.MEMBER}
    )


def join_group(*, group: Group, user) -> Membership:
    """Join a public group of one's own accord."""
    if not group.is_public:
        raise PrivateGroup(f"{group} is private.")
    membership, _ = enrol(group=group, user=user)
    return membership


def add_person(*, group: Group, user) -> Membership:
    """An owner or moderator adds someone as a member. Raises AlreadyMember
    rather than touch the role of someone already in."""
    membership, created = enrol(group=group, user=user)
    if not created:
        raise AlreadyMember(f"{user} is already in {group}.")
    return membership


def update_group(
    *, group: Group, name: str, slug: str, visibility: str, description: str = ""
) -> Group:
    group.name, group.slug, group.visibility = name, slug, visibility
    group.description = description
    group.save(update_fields=["name", "slug", "visibility", "description"])
    return group


def edit_group_note(*, note: GroupNote, text: str) -> GroupNote:
    note.text = text
    note.save(update_fields=["text", "updated_at"])
    return note


def delete_group_note(*, note: GroupNote) -> None:
    note.delete()


def share_with_their_tags(user, bookmarks: QuerySet[Bookmark], group: Group) -> int:
    """Share a person's bookmarks into a group, each with its own tags, in a
    few queries (the library's bulk action). Returns the new shares."""
    with transaction.atomic():
        if not Membership.objects.filter(group=group, user=user).exists():
            raise NotAMember(f"{user} is not a member of {group}.")
        rows = list(bookmarks.only("pk", "page", "user"))
        tag_ids = defaultdict(set)
        links = BookmarkTag.objects.filter(bookmark__in=rows).values_list("bookmark", "tag")
        for bookmark_id, tag_id in links:
            tag_ids[bookmark_id].add(tag_id)
        now = timezone.now()
        shares = [Share(bookmark, now, frozenset(tag_ids[bookmark.pk])) for bookmark in rows]
        return share_bookmarks(group=group, shares=shares)
