"""generate_data: a small data set on the test database (SQLite or
PostgreSQL) keeps every rule the application keeps, mixes what pages must
show, never asks for a fetch, and the same seed gives the same data."""

import re
from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Min

from accounts.models import User
from annotations.models import Highlight, Note
from bookmarks.canonical import canonical_url, url_hash
from bookmarks.models import Bookmark, BookmarkTag, Page, Snapshot, Tag
from bookmarks.tagnames import clean_tag_name, fold
from groups import datagen
from groups.models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u9fff]")
SIZES = {
    "bookmarks": 600,
    "users": 40,
    "groups": 5,
    "items": 150,
    "highlights": 700,
    "notes": 150,
    "group_notes": 60,
    "tags": 80,
}


def generate(seed=3, **sizes) -> str:
    options = {**SIZES, **sizes}
    out = StringIO()
    call_command(
        "generate_data",
        *[f"--{name.replace('_', '-')}={value}" for name, value in options.items()],
        f"--seed={seed}",
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture
def generated():
    return generate()


def test_it_writes_the_sizes_asked_for(generated):
    assert User.objects.count() == SIZES["users"]
    assert Group.objects.count() == SIZES["groups"]
    assert Bookmark.objects.count() == SIZES["bookmarks"]
    assert GroupItem.objects.count() == SIZES["items"]
    assert Highlight.objects.count() == SIZES["highlights"]
    assert Note.objects.count() == SIZES["notes"]
    assert GroupNote.objects.count() == SIZES["group_notes"]
    assert Tag.objects.count() == SIZES["tags"]
    assert "rows/s" in generated


def test_people_groups_and_bookmarks_are_a_mix(generated):
    names = list(User.objects.values_list("display_name", flat=True))
    assert any(CJK.search(name) and " " in name for name in names)
    assert any(CJK.search(name) and " " not in name for name in names)
    assert any(name.isascii() and " " in name for name in names)
    assert "" in names  # falls back to the username
    assert set(Group.objects.values_list("visibility", flat=True)) == {"public", "private"}
    biggest = Group.objects.annotate(n=Count("items")).order_by("-n").first()
    assert biggest.is_public
    assert set(Bookmark.objects.values_list("is_private", flat=True)) == {True, False}
    assert set(Bookmark.objects.values_list("to_read", flat=True)) == {True, False}
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "owner",
        "moderator",
        "member",
    }
    assert Membership.objects.filter(role="owner").count() == SIZES["groups"]
    for group in Group.objects.all():
        assert group.memberships.get(role="owner").user_id == group.created_by_id


def test_dates_are_spread_over_years(generated):
    times = sorted(Bookmark.objects.values_list("created_at", flat=True))
    assert times[-1] - times[0] > timedelta(days=5 * 365)
    for bookmark in Bookmark.objects.all()[:50]:
        assert bookmark.updated_at >= bookmark.created_at


def test_tags_have_a_long_tail_and_cjk_names(generated):
    tags = list(Tag.objects.all())
    for tag in tags:
        assert tag.key == fold(tag.name)
        assert clean_tag_name(tag.name) == tag.name
    assert any(CJK.search(tag.name) for tag in tags)
    assert any(tag.name != tag.key for tag in tags)
    uses = sorted(
        Tag.objects.annotate(n=Count("bookmarks")).values_list("n", flat=True), reverse=True
    )
    assert uses[0] >= 5 * max(uses[len(uses) // 2], 1)


def test_pages_are_canonical_and_never_fetched(generated):
    for page in Page.objects.all():
        assert canonical_url(page.url) == page.url
        assert page.url_hash == url_hash(page.url)
        host = page.url.split("/")[2]
        assert host.split(".")[-1] in ("example", "test") or host.endswith(
            ("example.org", "example.com", "example.net")
        )
    assert not Snapshot.objects.filter(status=Snapshot.Status.PENDING).exists()
    ok = Snapshot.objects.filter(status=Snapshot.Status.OK)
    assert ok.exists() and Snapshot.objects.filter(status=Snapshot.Status.FAILED).exists()
    for name in set(ok.values_list("html", flat=True)):
        assert default_storage.exists(name)
    for bookmark in Bookmark.objects.select_related("page")[:100]:
        assert canonical_url(bookmark.url) == bookmark.page.url


def test_items_keep_the_sharing_rules(generated):
    members = set(Membership.objects.values_list("group_id", "user_id"))
    shares = defaultdict(list)
    for share in GroupShare.objects.select_related("bookmark", "item"):
        assert share.bookmark.page_id == share.item.page_id
        assert (share.item.group_id, share.bookmark.user_id) in members
        assert share.shared_at >= share.bookmark.created_at
        shares[share.item_id].append(share)
    bookmark_tags = defaultdict(set)
    for bookmark_id, tag_id in BookmarkTag.objects.values_list("bookmark", "tag"):
        bookmark_tags[bookmark_id].add(tag_id)
    item_tags = defaultdict(set)
    for link in GroupItemTag.objects.select_related("item"):
        assert link.group_id == link.item.group_id
        assert link.shared_at == link.item.shared_at
        item_tags[link.item_id].add(link.tag_id)
    several = 0
    for item in GroupItem.objects.all():
        first = min(shares[item.pk], key=lambda share: (share.shared_at, share.pk))
        assert item.shared_at == first.shared_at
        assert item.shared_by_id == first.bookmark.user_id
        given = set().union(*(bookmark_tags[share.bookmark_id] for share in shares[item.pk]))
        assert item_tags[item.pk] == given
        several += len(shares[item.pk]) > 1
    assert several > 0


def test_notes_stay_with_their_highlights(generated):
    for note in Note.objects.filter(highlight__isnull=False).select_related("highlight"):
        assert note.highlight.bookmark_id == note.bookmark_id
    assert Note.objects.filter(highlight__isnull=True).exists()
    members = set(Membership.objects.values_list("group_id", "user_id"))
    for note in GroupNote.objects.select_related("item", "highlight__bookmark"):
        assert (note.item.group_id, note.author_id) in members
        if note.highlight_id:
            assert note.highlight.bookmark.page_id == note.item.page_id
    assert GroupNote.objects.filter(highlight__isnull=False).exists()
    ordinals = Highlight.objects.values("bookmark").annotate(first=Min("ordinal"))
    assert {row["first"] for row in ordinals} == {0}
    per_bookmark = Highlight.objects.values("bookmark").annotate(n=Count("id"))
    assert max(row["n"] for row in per_bookmark) > 3


def fingerprint() -> dict:
    """The data set's content, ids aside (the sequence of a table may not
    go back to 1), and secrets aside (made with ``secrets``, not the seed)."""
    return {
        "users": sorted(User.objects.values_list("username", "display_name")),
        "groups": sorted(Group.objects.values_list("name", "visibility", "description")),
        "bookmarks": sorted(
            Bookmark.objects.values_list(
                "user__username", "url", "title", "description", "is_private", "to_read",
                "created_at", "updated_at",
            )
        ),  # fmt: skip
        "tags": sorted(BookmarkTag.objects.values_list("bookmark__url", "bookmark__user__username", "tag__name")),  # noqa: E501
        "highlights": sorted(Highlight.objects.values_list("bookmark__url", "quote", "ordinal", "colour", "created_at")),  # noqa: E501
        "items": sorted(GroupItem.objects.values_list("group__name", "page__url", "shared_by__username", "shared_at", "view_count")),  # noqa: E501
        "discussion": sorted(GroupNote.objects.values_list("item__page__url", "author__username", "text", "created_at")),  # noqa: E501
    }  # fmt: skip


def delete_everything():
    GroupNote.objects.all().delete()
    GroupItem.objects.all().delete()
    Note.objects.all().delete()
    Highlight.objects.all().delete()
    Bookmark.objects.all().delete()
    Snapshot.objects.all().delete()
    Page.objects.all().delete()
    Group.objects.all().delete()
    Tag.objects.all().delete()
    User.objects.all().delete()


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    generate(seed=11, bookmarks=200, items=50, highlights=150)
    first = fingerprint()
    delete_everything()
    generate(seed=11, bookmarks=200, items=50, highlights=150)
    assert fingerprint() == first
    delete_everything()
    generate(seed=12, bookmarks=200, items=50, highlights=150)
    assert fingerprint()["bookmarks"] != first["bookmarks"]


def test_it_adds_to_what_is_there_reusing_tags():
    existing = Tag.objects.create(name="KUBERNETES")
    generate(seed=1, bookmarks=300, items=60, tags=200)
    generate(seed=2, bookmarks=300, items=60, tags=200)
    assert Bookmark.objects.count() == 600
    assert Tag.objects.filter(key="kubernetes").get() == existing
    assert BookmarkTag.objects.filter(tag=existing).exists()
    # New rows are numbered after the old ones: a later save still works.
    user = User.objects.create(username="after")
    assert user.pk > max(User.objects.exclude(pk=user.pk).values_list("pk", flat=True))


def test_keys_and_indexes_are_back_after_a_postgresql_load():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite keeps its indexes during the load")
    tables = [model._meta.db_table for model in datagen.WRITTEN]

    def schema():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[])",
                [tables],
            )
            constraints = sorted(cursor.fetchall())
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)", [tables]
            )
            return constraints, sorted(cursor.fetchall())

    before = schema()
    generate(bookmarks=100, items=30)
    assert schema() == before


def test_sizes_it_cannot_make_are_refused():
    with pytest.raises(CommandError, match="4 items for every 5 bookmarks"):
        call_command("generate_data", "--bookmarks=10", "--items=9", stdout=StringIO())
    with pytest.raises(CommandError, match="At least one bookmark"):
        call_command("generate_data", "--bookmarks=0", stdout=StringIO())


def test_defaults_scale_from_the_bookmarks():
    sizes = datagen.Sizes.scaled(1_000_000)
    assert (sizes.users, sizes.groups, sizes.items, sizes.highlights) == (
        10_000,
        200,
        300_000,
        1_000_000,
    )
    assert datagen.Sizes.scaled(1000, items=10).items == 10
