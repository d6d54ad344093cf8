"""Who may see what: public and private groups, members, former members,
owners of private bookmarks, strangers and anonymous readers."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.tests.factories import UserFactory
from annotations.models import Highlight
from annotations.tests.factories import HighlightFactory, NoteFactory
from bookmarks.tests.factories import BookmarkFactory
from groups import visibility
from groups.models import Group, Membership
from groups.services import add_member, share_bookmark
from groups.tests.factories import GroupFactory, GroupNoteFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


@pytest.fixture
def world():
    """A public and a private group, each with one shared item carrying a
    highlight, a sticky note and a discussion note; plus a private bookmark
    that is shared nowhere and a public one that is shared nowhere."""
    owner, member, former, stranger = (UserFactory() for _ in range(4))
    public = GroupFactory(visibility=Group.Visibility.PUBLIC, created_by=owner)
    private = GroupFactory(visibility=Group.Visibility.PRIVATE, created_by=owner)
    for group in (public, private):
        add_member(group=group, user=owner, role=Membership.Role.OWNER)
        add_member(group=group, user=member)
    add_member(group=private, user=former)
    Membership.objects.filter(group=private, user=former).delete()

    shared = {}
    for name, group in (("public", public), ("private", private)):
        bookmark = BookmarkFactory(user=owner, is_private=True)
        highlight = HighlightFactory(bookmark=bookmark)
        note = NoteFactory(bookmark=bookmark, highlight=highlight)
        item = share_bookmark(bookmark=bookmark, group=group)
        group_note = GroupNoteFactory(item=item, author=member, highlight=highlight)
        shared[name] = dict(
            bookmark=bookmark, highlight=highlight, note=note, item=item, group_note=group_note
        )
    lonely_private = BookmarkFactory(user=owner, is_private=True)
    lonely_public = BookmarkFactory(user=owner, is_private=False)
    return dict(
        owner=owner,
        member=member,
        former=former,
        stranger=stranger,
        public=public,
        private=private,
        shared=shared,
        lonely_private=lonely_private,
        lonely_public=lonely_public,
    )


def readers(world):
    return {
        "anonymous": ANONYMOUS,
        "stranger": world["stranger"],
        "former member": world["former"],
        "member": world["member"],
        "owner": world["owner"],
    }


INSIDERS = {"member", "owner"}


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former member", "member", "owner"])
def test_groups_items_and_discussion(world, who):
    reader = readers(world)[who]
    sees_private = who in INSIDERS
    private, public = world["private"], world["public"]

    groups = set(visibility.readable_groups(reader))
    assert public in groups
    assert (private in groups) is sees_private

    items = set(visibility.readable_items(reader))
    assert world["shared"]["public"]["item"] in items
    assert (world["shared"]["private"]["item"] in items) is sees_private
    assert set(visibility.readable_items(reader, group=public)) == {
        world["shared"]["public"]["item"]
    }

    group_notes = set(visibility.readable_group_notes(reader))
    assert world["shared"]["public"]["group_note"] in group_notes
    assert (world["shared"]["private"]["group_note"] in group_notes) is sees_private

    assert visibility.get_readable_group(reader, public.slug) == public
    if sees_private:
        assert visibility.get_readable_group(reader, private.slug) == private
    else:
        with pytest.raises(Http404):
            visibility.get_readable_group(reader, private.slug)


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former member", "member", "owner"])
def test_bookmarks_highlights_and_notes_follow_their_group(world, who):
    reader = readers(world)[who]
    sees_private_group = who in INSIDERS
    public_share, private_share = world["shared"]["public"], world["shared"]["private"]

    bookmarks = set(visibility.readable_bookmarks(reader))
    # A private bookmark shared into a public group is readable by anyone.
    assert public_share["bookmark"] in bookmarks
    assert (private_share["bookmark"] in bookmarks) is sees_private_group
    assert world["lonely_public"] in bookmarks
    assert (world["lonely_private"] in bookmarks) is (who == "owner")

    highlights = set(visibility.readable_highlights(reader))
    assert public_share["highlight"] in highlights
    assert (private_share["highlight"] in highlights) is sees_private_group

    notes = set(visibility.readable_notes(reader))
    assert public_share["note"] in notes
    assert (private_share["note"] in notes) is sees_private_group


def test_missing_group_is_404_like_a_hidden_one(world):
    with pytest.raises(Http404):
        visibility.get_readable_group(world["member"], "no-such-group")


def test_roles(world):
    assert visibility.role_in(world["owner"], world["private"]) == "owner"
    assert visibility.role_in(world["member"], world["private"]) == "member"
    assert visibility.role_in(world["former"], world["private"]) is None
    assert visibility.role_in(ANONYMOUS, world["public"]) is None
    assert visibility.is_member(world["member"], world["public"])
    assert not visibility.is_member(world["stranger"], world["public"])
    assert not visibility.is_member(ANONYMOUS, world["public"])


def test_a_users_library(world):
    owner = world["owner"]
    mine = set(visibility.public_bookmarks_of(owner, owner))
    assert world["lonely_private"] in mine and world["lonely_public"] in mine
    for reader in (ANONYMOUS, world["stranger"], world["member"]):
        theirs = set(visibility.public_bookmarks_of(owner, reader))
        assert theirs == {world["lonely_public"]}


def test_superuser_is_a_reader_like_any_other(world):
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert world["private"] not in set(visibility.readable_groups(admin))
    assert world["lonely_private"] not in set(visibility.readable_bookmarks(admin))


def test_selectors_do_not_duplicate_rows(world):
    """A bookmark shared into two readable groups is listed once."""
    owner, public = world["owner"], world["public"]
    second = GroupFactory(visibility=Group.Visibility.PUBLIC)
    add_member(group=second, user=owner)
    bookmark = world["shared"]["public"]["bookmark"]
    share_bookmark(bookmark=bookmark, group=second)
    assert public != second
    listed = list(visibility.readable_bookmarks(ANONYMOUS).filter(pk=bookmark.pk))
    assert listed == [bookmark]


def test_a_readers_rule_is_built_once_and_reads_membership_as_it_is_now(world):
    """The rules are kept per reader as queries, never as rows: joining and
    leaving a group change what the same kept rule finds at once."""
    stranger, private = world["stranger"], world["private"]
    bookmark = world["shared"]["private"]["bookmark"]
    first = visibility.readable_bookmarks(stranger)
    assert bookmark not in first
    add_member(group=private, user=stranger)
    again = visibility.readable_bookmarks(stranger)
    assert again is not first and again.query is not first.query  # copies of one rule
    assert bookmark in again
    assert private in visibility.readable_groups(stranger)
    Membership.objects.filter(group=private, user=stranger).delete()
    assert bookmark not in visibility.readable_bookmarks(stranger)
    assert private not in visibility.readable_groups(stranger)
    assert visibility._readable_bookmarks.cache_info().hits >= 2


def test_nothing_done_to_a_copy_of_a_rule_reaches_the_kept_one(world):
    """Callers join more tables, use a copy as a subquery, or combine it with
    | and &: the kept rule's SQL and aliases stay as built, and no copy
    carries another's rows."""
    owner, member = world["owner"], world["member"]
    visibility.readable_bookmarks(member)
    kept = visibility._readable_bookmarks(member.pk)
    sql, aliases = str(kept), {table: list(names) for table, names in kept.table_map.items()}
    for _ in range(3):
        list(visibility.readable_bookmarks(member).filter(page__bookmarks__user=owner))
        list(Highlight.objects.filter(bookmark__in=visibility.readable_bookmarks(member)))
        list(visibility.readable_bookmarks(member) | owner.bookmarks.all())
        list(visibility.readable_bookmarks(member) & owner.bookmarks.all())
        list(visibility.readable_groups(member).filter(memberships__user=owner))
    assert str(kept) == sql
    assert {table: list(names) for table, names in kept.table_map.items()} == aliases
    assert visibility.readable_bookmarks(member)._known_related_objects == {}
