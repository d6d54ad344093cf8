"""Reads for the group pages: querysets that already carry their joins and counts.

Everything starts from ``groups.visibility``, so a reader only ever gets what
they may see.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Coalesce, NullIf

from annotations.models import Highlight
from bookmarks.models import Tag
from bookmarks.tagnames import fold

from .caching import remember
from .cards import items_with_cache_state
from .models import Group, GroupItem, GroupItemTag, GroupShare, Membership
from .pagination import Window, page_of
from .visibility import readable_groups, readable_items

EMPTY_TEXT = Value("", output_field=TextField())


def _count(queryset: QuerySet, outer_field: str) -> Coalesce:
    """The number of rows of ``queryset`` whose ``outer_field`` is the outer row.

    A correlated subquery per count: unlike two ``Count()`` joins, members and
    items do not multiply each other's rows."""
    counted = (
        queryset.filter(**{outer_field: OuterRef("pk")})
        .order_by()
        .values(outer_field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def groups_with_counts(reader) -> QuerySet[Group]:
    """Groups the reader may open, by name, each with ``member_count`` and ``item_count``."""
    return (
        readable_groups(reader)
        .annotate(
            member_count=_count(Membership.objects.all(), "group"),
            item_count=_count(GroupItem.objects.all(), "group"),
        )
        .order_by("name", "pk")
    )


def public_groups(*, limit: int) -> QuerySet[Group]:
    """The busiest public groups first, with their counts."""
    return (
        groups_with_counts(None)
        .filter(visibility=Group.Visibility.PUBLIC)
        .order_by("-item_count", "name", "pk")[:limit]
    )


def recent_items(reader, *, limit: int) -> QuerySet[GroupItem]:
    """The newest items of the groups the reader may open.

    Each carries ``title`` (the first sharer's title, else the page's title,
    else its URL), ``highlight_count``, its group, page, first sharer and tags."""
    first_title = (
        GroupShare.objects.filter(item=OuterRef("pk"))
        .order_by("shared_at", "id")
        .values("bookmark__title")[:1]
    )
    return (
        readable_items(reader)
        .select_related("group", "page", "shared_by")
        .prefetch_related("tags")
        .annotate(
            title=Coalesce(
                NullIf(Subquery(first_title), EMPTY_TEXT),
                NullIf(F("page__title"), EMPTY_TEXT),
                F("page__url"),
            ),
            highlight_count=_count(Highlight.objects.all(), "bookmark__shares__item"),
        )
        .order_by("-shared_at", "-id")[:limit]
    )


def group_items(group: Group) -> QuerySet[GroupItem]:
    """A readable group's items, newest first, ready for ``cards.item_cards``."""
    return items_with_cache_state(GroupItem.objects.filter(group=group)).order_by(
        "-shared_at", "-id"
    )


def group_item_ids(group: Group) -> QuerySet:
    """Ids of a group's items, newest first: an index-only range of the
    (group, -shared_at, -id) index."""
    return (
        GroupItem.objects.filter(group=group)
        .order_by("-shared_at", "-id")
        .values_list("id", flat=True)
    )


def count_items(group: Group) -> int:
    """How many items the group has, counted once per version of the group."""
    return remember(group, "items", GroupItem.objects.filter(group=group).count)


#: The most tags one page may intersect (``/tags/a,b,c/``).
MAX_TAGS = 5


def find_tag_set(path: str) -> list[Tag] | None:
    """The tags a URL segment names, ``a`` or ``a,b`` (tag names hold no
    comma), in their one canonical order (by folded key); None when it names
    none, more than MAX_TAGS, or a tag that does not exist. One query."""
    names = [name for name in path.split(",") if name]
    keys = {fold(name) for name in names}
    if not keys or len(names) > MAX_TAGS:
        return None
    tags = sorted(Tag.objects.filter(key__in=keys), key=lambda tag: tag.key)
    return tags if len(tags) == len(keys) else None


def tag_path(tags: list[Tag]) -> str:
    """The URL segment of a set of tags as ``find_tag_set`` orders them."""
    return ",".join(tag.name for tag in tags)


@dataclass(frozen=True)
class TaggedCount:
    count: int
    #: The tag with the fewest items in the group: its slice of the tag
    #: index is the one walked, the others are probed (see group_item_ids_tagged).
    driver_id: int


def count_tagged(group: Group, tags: list[Tag]) -> TaggedCount:
    """How many of the group's items have every one of the tags, counted
    once per version of the group: one query for one tag, two for more."""

    def compute() -> TaggedCount:
        links = GroupItemTag.objects.filter(group=group)
        if len(tags) == 1:
            return TaggedCount(links.filter(tag=tags[0]).count(), tags[0].pk)
        sizes = dict(
            links.filter(tag__in=tags)
            .values("tag_id")
            .annotate(n=Count("*"))
            .values_list("tag_id", "n")
        )
        driver = min((tag.pk for tag in tags), key=lambda pk: sizes.get(pk, 0))
        if not sizes.get(driver):
            return TaggedCount(0, driver)
        return TaggedCount(group_item_ids_tagged(group, tags, driver_id=driver).count(), driver)

    return remember(group, "tagged:" + ",".join(str(tag.pk) for tag in tags), compute)


@dataclass(frozen=True)
class TagPage:
    """What a tag page reads before its items: the tags its URL names and
    how many of the group's items have them all."""

    tags: list[Tag]
    tagged: TaggedCount


def tag_page(group: Group, path: str) -> TagPage | None:
    """The tags ``path`` (``a`` or ``a,b``) names, with their count in the
    group; None as ``find_tag_set``. Kept per version of the group once the
    group has items with those tags: a tag the group shows is renamed,
    merged or deleted only with a new version of the group. (A tag it does
    not show could be, so an empty page is read anew each time.)"""
    keys = sorted({fold(name) for name in path.split(",") if name})
    name = "tag-page:" + hashlib.sha256("\n".join(keys).encode()).hexdigest()

    def compute() -> TagPage | None:
        tags = find_tag_set(path)
        if tags is None:
            return None
        return TagPage(tags, count_tagged(group, tags))

    return remember(group, name, compute, keep=lambda page: page.tagged.count > 0)


def group_item_ids_tagged(group: Group, tags: list[Tag], *, driver_id: int) -> QuerySet:
    """Ids of a group's items having all the tags, newest first.

    One range of the (group, tag, -shared_at, -item) index, the driver's, read
    in order, so a page reads only as far as its rows; each other tag is one
    probe of the (item, tag) unique index per row read."""
    ids = GroupItemTag.objects.filter(group=group, tag_id=driver_id)
    for tag in tags:
        if tag.pk != driver_id:
            also = GroupItemTag.objects.filter(item_id=OuterRef("item_id"), tag_id=tag.pk)
            ids = ids.filter(Exists(also))
    return ids.order_by("-shared_at", "-item_id").values_list("item_id", flat=True)


def page_ids(group: Group, name: str, ids: Callable[[], QuerySet], window: Window) -> list[int]:
    """The window's page of the ids ``ids()`` selects (a list of the group's
    items named ``name``, such as its items with some tags), read from the
    index once per version of the group: the query is only built then."""
    return remember(
        group,
        f"page:{name}:{window.number}:{window.per_page}",
        lambda: page_of(ids(), window),
    )


def items_in_order(item_ids: list[int]) -> list[GroupItem]:
    """Items by id, in the order given, ready for ``cards.item_cards``."""
    found = {
        item.pk: item for item in items_with_cache_state(GroupItem.objects.filter(pk__in=item_ids))
    }
    return [found[pk] for pk in item_ids if pk in found]


#: The tag cloud shows a group's most used tags.
TAG_CLOUD_SIZE = 100


def tag_counts(group: Group) -> QuerySet:
    """(tag id, item count) of the group's most used tags, most used first:
    one aggregate over the group's slice of the tag index, from the index
    alone (tags are joined afterwards, to the hundred rows kept)."""
    return (
        GroupItemTag.objects.filter(group=group)
        .values("tag_id")
        .annotate(count=Count("*"))
        .order_by("-count", "tag_id")
        .values_list("tag_id", "count")[:TAG_CLOUD_SIZE]
    )


def tag_cloud(group: Group) -> list[dict]:
    """The group's most used tags with their item counts, by name; counted
    once per version of the group."""

    def compute() -> list[dict]:
        counts = dict(tag_counts(group))
        tags = Tag.objects.filter(pk__in=counts).only("name", "key")
        rows = [{"name": tag.name, "count": counts[tag.pk], "key": tag.key} for tag in tags]
        return sorted(rows, key=lambda row: row["key"])

    return remember(group, "cloud", compute)
