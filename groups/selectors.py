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

from .models import Group, GroupItem, GroupShare, Membership
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
