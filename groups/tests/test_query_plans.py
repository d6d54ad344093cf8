"""Every query of the group page, the tag pages (one tag and several) and the
group feeds is served by an index, on SQLite and on PostgreSQL: no scan of
a whole table, no sort of a group's rows, and a page's ids from an
index-only scan whichever page is asked for, first, deep or last.

SQLite plans by rule, so an empty table shows its choice. PostgreSQL plans
by cost: the pages' queries are planned over a group of 12,000 items (written
once for this module, vacuumed and analysed, as autovacuum keeps a live
database), where its choice is the one a big site gets; the other queries
on tiny tables with sequential scans, sorts and bitmap scans discouraged, so
the plan shows whether an index *can* serve them. Timings on a million
bookmarks are in the report of issue 8 (EXPLAIN ANALYZE, page 1 and 500)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from bookmarks.canonical import url_hash
from bookmarks.models import Page, Tag
from bookmarks.tests.factories import TagFactory
from groups import selectors
from groups.caching import groups_showing
from groups.cards import items_with_cache_state
from groups.models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare
from groups.pagination import Window
from groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db

postgresql = connection.vendor == "postgresql"

#: The busy group: enough items that page 500 (20 a page) exists for its
#: first tag, and other groups around it.
BUSY_ITEMS, OTHER_ITEMS, TAGS = 12_000, 4_000, 40


def plan(queryset, *, discourage: bool) -> str:
    """The query plan. With ``discourage``, on PostgreSQL, sequential scans,
    sorts and bitmap scans cost so much that any index that can serve the
    query is taken (see test_indexes): for tiny tables."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if postgresql:
            cursor.execute("SET LOCAL jit = off")
            if discourage:
                for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan"):
                    cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def _write_busy_group() -> tuple[int, list[int]]:
    """A busy group and a quieter one, committed: (busy group id, tag ids by
    use). The busy group's items each carry its first tag (most of them),
    and two more of a few dozen."""
    owner = UserFactory(username="query-plans")
    busy, quiet = Group.objects.bulk_create(
        [Group(name=n, slug=f"query-plans-{n}", created_by=owner) for n in ("busy", "quiet")]
    )
    tags = Tag.objects.bulk_create([Tag(name=f"plan-{n}", key=f"plan-{n}") for n in range(TAGS)])
    urls = [f"https://example.org/query-plans/{n}" for n in range(BUSY_ITEMS + OTHER_ITEMS)]
    pages = Page.objects.bulk_create([Page(url=u, url_hash=url_hash(u)) for u in urls])
    start = datetime(2020, 1, 1, tzinfo=UTC)
    items = GroupItem.objects.bulk_create(
        GroupItem(
            group=busy if n < BUSY_ITEMS else quiet,
            page=page,
            shared_at=start + timedelta(minutes=n),
        )
        for n, page in enumerate(pages)
    )
    links = []
    for n, item in enumerate(items):
        chosen = {0 if n % 10 else 1, 2 + n % 7, 9 + n % (TAGS - 9)}
        links += [
            GroupItemTag(item=item, tag=tags[t], group_id=item.group_id, shared_at=item.shared_at)
            for t in chosen
        ]
    GroupItemTag.objects.bulk_create(links, batch_size=5000)
    return busy.pk, [tag.pk for tag in tags]


@pytest.fixture(scope="module")
def busy_tables(django_db_setup, django_db_blocker):
    """On PostgreSQL, the busy group written, vacuumed and analysed once for
    the module, and taken away after it."""
    if not postgresql:
        yield None
        return
    with django_db_blocker.unblock():
        with transaction.atomic():
            written = _write_busy_group()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE groups_groupitem, groups_groupitemtag")
    yield written
    with django_db_blocker.unblock(), transaction.atomic():
        Group.objects.filter(slug__startswith="query-plans-").delete()
        Page.objects.filter(url__startswith="https://example.org/query-plans/").delete()
        Tag.objects.filter(key__startswith="plan-").delete()
        UserFactory._meta.model.objects.filter(username="query-plans").delete()


@pytest.fixture
def busy(busy_tables):
    """(group, its tags by use): the busy group on PostgreSQL; an empty group
    on SQLite, whose plans do not depend on what the tables hold."""
    if busy_tables is None:
        tags = sorted([TagFactory(), TagFactory(), TagFactory()], key=lambda tag: tag.key)
        return GroupFactory(), tags
    group_id, tag_ids = busy_tables
    tags = {tag.pk: tag for tag in Tag.objects.filter(pk__in=tag_ids)}
    return Group.objects.get(pk=group_id), [tags[pk] for pk in tag_ids]


def assert_index_only(queryset, index_name, *, backward=False):
    """The index alone answers, in its order or backwards: no table rows
    read, nothing sorted."""
    text = plan(queryset, discourage=False)
    assert index_name in text, text
    if postgresql:
        assert ("Index Only Scan Backward" if backward else "Index Only Scan") in text, text
        assert "Sort" not in text and "Seq Scan" not in text, text
    else:
        assert "USING COVERING INDEX" in text, text
        assert "TEMP B-TREE" not in text, text


def assert_no_table_scan(queryset, *tables):
    """Each of these tables is reached through an index, never scanned whole."""
    text = plan(queryset, discourage=True)
    for table in tables:
        if postgresql:
            assert f"Seq Scan on {table}" not in text, text
        else:
            assert f"SCAN {table}\n" not in text + "\n" and f"SCAN {table} " not in text, text


def window(number, count=100_000):
    return Window(number=number, per_page=20, count=count)


# --- The tag page: one tag ----------------------------------------------------------


@pytest.mark.parametrize("number", [1, 500])
def test_a_tag_page_reads_its_ids_from_the_index_alone(busy, number):
    group, tags = busy
    ids = selectors.group_item_ids_tagged(group, tags[:1], driver_id=tags[0].pk)
    offset = window(number).offset
    assert_index_only(ids[offset : offset + 20], "groupitemtag_group_tag")


def test_a_page_past_the_middle_is_read_backwards(busy):
    group, tags = busy
    ids = selectors.group_item_ids_tagged(group, tags[:1], driver_id=tags[0].pk)
    assert_index_only(ids.reverse()[0:20], "groupitemtag_group_tag", backward=True)


def test_a_tags_count_reads_the_index_alone(busy):
    group, tags = busy
    counted = GroupItemTag.objects.filter(group=group, tag=tags[0]).values("item_id")
    assert_index_only(counted, "groupitemtag_group_tag")


# --- The tag page: several tags -------------------------------------------------------


@pytest.mark.parametrize("backward", [False, True])
def test_an_intersection_walks_one_tag_and_probes_the_others(busy, backward):
    group, tags = busy
    # The rarer tag drives; the commonest one (on nine items in ten) is probed.
    both = [tags[0], tags[2]]
    ids = selectors.group_item_ids_tagged(group, both, driver_id=tags[2].pk)
    page = ids.reverse()[0:20] if backward else ids[0:20]
    text = plan(page, discourage=False)
    assert "groupitemtag_group_tag" in text, text  # the driver's slice, in order
    if postgresql:
        assert "groupitemtag_unique" in text, text  # one probe per other tag
        assert "Sort" not in text and "Seq Scan" not in text, text
        assert "Index Only Scan" in text, text
    else:
        # The unique constraint's own index, named by SQLite.
        probe = "COVERING INDEX sqlite_autoindex_groups_groupitemtag_1 (item_id=? AND tag_id=?)"
        assert probe in text, text
        assert "TEMP B-TREE" not in text, text
        assert "COVERING INDEX groupitemtag_group_tag" in text, text


def test_the_sizes_of_the_tags_slices_read_the_index_alone(busy):
    group, tags = busy
    sizes = GroupItemTag.objects.filter(group=group, tag__in=tags[:3]).values("tag_id")
    assert_index_only(sizes, "groupitemtag_group_tag")


# --- The group page and the group feed ------------------------------------------------


@pytest.mark.parametrize("number", [1, 500])
def test_the_group_pages_ids_come_from_the_index_alone(busy, number):
    group, _ = busy
    ids = selectors.group_item_ids(group)
    offset = window(number).offset
    assert_index_only(ids[offset : offset + 20], "groupitem_group_shared")
    assert_index_only(ids.reverse()[offset : offset + 20], "groupitem_group_shared", backward=True)


def test_the_group_feed_reads_its_items_in_index_order(busy):
    """The group's items in the index's order; only each item's few snapshots
    are sorted, in the subqueries that find its cached copy."""
    group, _ = busy
    text = plan(selectors.group_items(group)[:50], discourage=False)
    assert "groupitem_group_shared" in text, text
    if postgresql:
        outer = text.split("SubPlan")[0]
        assert "Sort" not in outer and "Seq Scan" not in outer, text
    else:
        outer = [line for line in text.splitlines() if ", 0, 0, " in line]
        assert not [line for line in outer if "TEMP B-TREE" in line], text


def test_the_tag_cloud_counts_from_the_tag_index_alone(busy):
    """Only the hundred counts kept are sorted, never the group's rows. (The
    busy group here holds three quarters of the table, where reading all of
    it is fair: PostgreSQL is asked whether the index can serve.)"""
    group, _ = busy
    text = plan(selectors.tag_counts(group), discourage=True)
    assert "groupitemtag_group_tag" in text, text
    if postgresql:
        assert "Index Only Scan" in text and "Seq Scan" not in text, text
    else:
        assert "USING COVERING INDEX groupitemtag_group_tag" in text, text


# --- The cards of a page ------------------------------------------------------------------


def test_every_card_query_goes_through_an_index():
    item_ids, bookmark_ids = [1, 2, 3], [4, 5, 6]
    for queryset, table in [
        (GroupShare.objects.filter(item__in=item_ids), "groups_groupshare"),
        (Highlight.objects.filter(bookmark__in=bookmark_ids), "annotations_highlight"),
        (Note.objects.filter(bookmark__in=bookmark_ids), "annotations_note"),
        (GroupNote.objects.filter(item__in=item_ids), "groups_groupnote"),
        (GroupItemTag.objects.filter(item__in=item_ids), "groups_groupitemtag"),
        (items_with_cache_state(GroupItem.objects.filter(pk__in=item_ids)), "groups_groupitem"),
    ]:
        assert_no_table_scan(queryset, table)


# --- Finding the groups to bump ------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        {"item_ids": [1]},
        {"bookmark_ids": [1]},
        {"page_ids": [1]},
        {"tag_ids": [1]},
        {"user_ids": [1]},
    ],
    ids=lambda rows: next(iter(rows)),
)
def test_the_groups_showing_a_row_are_found_through_indexes(rows):
    UserFactory()
    assert_no_table_scan(
        groups_showing(**rows),
        "groups_groupitem",
        "groups_groupshare",
        "groups_groupitemtag",
        "groups_groupnote",
        "groups_membership",
        "bookmarks_bookmark",
    )
