"""The pages to come read through indexes, not scans of a whole group."""

import pytest
from django.db import connection

from bookmarks.tests.factories import TagFactory
from groups.models import GroupItem, GroupItemTag
from groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sequential scan cheapest; forbid it so
            # the plan shows whether an index can serve the query at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def assert_index_serves(queryset, index_name):
    text = plan(queryset)
    assert index_name in text, text
    if connection.vendor == "postgresql":
        assert "Sort" not in text, text
    else:
        assert "TEMP B-TREE" not in text, text


def test_a_groups_items_by_tag_newest_first():
    group, tag = GroupFactory(), TagFactory()
    page = (
        GroupItemTag.objects.filter(group=group, tag=tag)
        .order_by("-shared_at", "-item_id")
        .values("item_id")[:20]
    )
    assert_index_serves(page, "groupitemtag_group_tag")


def test_a_groups_items_newest_first():
    group = GroupFactory()
    page = GroupItem.objects.filter(group=group).order_by("-shared_at", "-id")[:20]
    assert_index_serves(page, "groupitem_group_shared")
