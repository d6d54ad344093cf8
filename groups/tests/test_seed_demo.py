import random
import re
from datetime import timedelta
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Count, F

from accounts.models import User
from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Page, Tag
from groups import demo_content as demo
from groups.management.commands.seed_demo import plan_items
from groups.models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Membership

pytestmark = pytest.mark.django_db

EVERY_MODEL = [
    User,
    Page,
    Bookmark,
    Tag,
    BookmarkTag,
    Highlight,
    Note,
    Group,
    Membership,
    GroupItem,
    GroupShare,
    GroupItemTag,
    GroupNote,
]
CJK = re.compile(r"[\u3400-\u9fff]")


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in EVERY_MODEL}


@pytest.fixture
def seeded():
    return seed_demo()


def test_a_public_group_has_at_least_47_items_under_one_tag(seeded):
    group = Group.objects.get(slug="systems-reading")
    assert group.is_public
    tagged = GroupItemTag.objects.filter(group=group, tag__key="architecture")
    assert tagged.count() >= 47
    assert tagged.values("item").distinct().count() == tagged.count()


def test_tags_include_cjk_names_and_names_with_spaces(seeded):
    names = set(
        GroupItemTag.objects.filter(group__slug="systems-reading").values_list(
            "tag__name", flat=True
        )
    )
    assert {"架构", "分散式系統"} <= names
    assert any(" " in name for name in names)


def test_a_private_group_has_its_own_members_and_items(seeded):
    private = Group.objects.get(visibility=Group.Visibility.PRIVATE)
    members = set(private.members.values_list("pk", flat=True))
    assert len(members) >= 2
    assert User.objects.filter(username__in=[u for u, _ in demo.USERS]).exclude(pk__in=members)
    items = GroupItem.objects.filter(group=private)
    assert items.count() >= 5
    public_pages = GroupItem.objects.filter(group__visibility=Group.Visibility.PUBLIC).values(
        "page"
    )
    assert not items.filter(page__in=public_pages).exists()
    # What was shared into it stays out of its sharers' public libraries.
    assert not Bookmark.objects.filter(shares__item__group=private, is_private=False).exists()


def test_some_items_carry_many_highlights_and_sticky_notes(seeded):
    counts = list(Bookmark.objects.annotate(n=Count("highlights")).values_list("n", flat=True))
    assert sum(n > 3 for n in counts) >= 10
    assert sum(15 <= n <= 35 for n in counts) >= 4
    assert max(counts) == 35
    heavy = Bookmark.objects.annotate(n=Count("highlights")).filter(n__gte=15)
    assert Note.objects.filter(bookmark__in=heavy, highlight__isnull=False).exists()
    assert Note.objects.filter(highlight__isnull=False).count() >= 20


def test_group_discussion_is_on_items_and_on_highlights(seeded):
    notes = GroupNote.objects.filter(item__group__slug="systems-reading")
    assert notes.filter(highlight__isnull=True).exists()
    assert notes.filter(highlight__isnull=False).exists()
    assert GroupNote.objects.filter(item__group__visibility=Group.Visibility.PRIVATE).exists()
    # A note on a highlight is about a highlight of that very item.
    strays = GroupNote.objects.filter(highlight__isnull=False).exclude(
        highlight__bookmark__shares__item=F("item")
    )
    assert not strays.exists()
    # Authors take part in the group they discuss in.
    assert not GroupNote.objects.exclude(author__memberships__group=F("item__group")).exists()


def test_people_have_chinese_and_english_display_names_with_spaces(seeded):
    people = User.objects.filter(username__in=[username for username, _ in demo.USERS])
    names = [person.name for person in people]
    assert len(names) == len(demo.USERS)
    assert any(CJK.search(name) and " " in name for name in names)
    assert any(name.isascii() and " " in name for name in names)
    assert any(CJK.search(name) and " " not in name for name in names)
    assert not any(person.has_usable_password() for person in people)


def test_some_bookmarks_are_private_and_in_no_group(seeded):
    assert Bookmark.objects.filter(is_private=True, shares__isnull=True).count() >= 3


def test_dates_are_fixed_and_spread_over_several_years(seeded):
    shared = GroupItem.objects.values_list("shared_at", flat=True)
    assert max(shared) <= demo.BASE_DATE
    assert max(shared) - min(shared) > timedelta(days=3 * 365)


def test_pages_are_made_up_on_example_hosts(seeded):
    hosts = {urlsplit(url).hostname for url in Page.objects.values_list("url", flat=True)}
    assert all(
        host.endswith((".example", "example.org", "example.com", "example.net")) for host in hosts
    )


def test_the_plan_is_the_same_on_every_run():
    for spec in demo.GROUPS:
        first = plan_items(spec, random.Random(demo.SEED))  # noqa: S311
        again = plan_items(spec, random.Random(demo.SEED))  # noqa: S311
        assert first == again
        assert len({item.url for item in first}) == spec["item_count"]


def test_running_twice_leaves_every_count_unchanged(seeded):
    before = row_counts()
    out = seed_demo()
    assert row_counts() == before
    assert "nothing to do" in out


def test_a_rerun_after_deleting_the_demo_group_restores_it_without_duplicates(seeded):
    before = row_counts()
    Group.objects.get(slug="systems-reading").delete()
    seed_demo()
    assert row_counts() == before


def test_it_prints_a_short_summary(seeded):
    assert "3 groups" in seeded
    assert "highlights" in seeded
    assert len(seeded.splitlines()) <= 3
