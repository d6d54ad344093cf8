"""Reads for the group pages: querysets that already carry their joins and counts.

Everything starts from ``groups.visibility``, so a reader only ever gets what
they may see.
"""

from django.db.models import (
    Count,
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

from .cards import items_with_cache_state
from .models import Group, GroupItem, GroupItemTag, GroupShare, Membership
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


def group_item_ids_tagged(group: Group, tag) -> QuerySet:
    """Ids of a group's items with this tag, newest first: one range of the
    (group, tag, -shared_at, -item) index, so a page reads only its rows."""
    return (
        GroupItemTag.objects.filter(group=group, tag=tag)
        .order_by("-shared_at", "-item_id")
        .values_list("item_id", flat=True)
    )


def items_in_order(item_ids: list[int]) -> list[GroupItem]:
    """Items by id, in the order given, ready for ``cards.item_cards``."""
    found = {
        item.pk: item for item in items_with_cache_state(GroupItem.objects.filter(pk__in=item_ids))
    }
    return [found[pk] for pk in item_ids if pk in found]


#: The tag cloud shows a group's most used tags.
TAG_CLOUD_SIZE = 100


def tag_cloud(group: Group) -> list[dict]:
    """The group's most used tags with their item counts, by name: one
    aggregate query over the group's slice of the tag index."""
    rows = (
        GroupItemTag.objects.filter(group=group)
        .values("tag__name", "tag__key")
        .annotate(count=Count("id"))
        .order_by("-count", "tag__key")[:TAG_CLOUD_SIZE]
    )
    return sorted(
        ({"name": row["tag__name"], "count": row["count"], "key": row["tag__key"]} for row in rows),
        key=lambda row: row["key"],
    )
