"""The database itself refuses what the domain forbids, on SQLite and PostgreSQL.

Each row is written with a raw update or a plain create so the test proves the
database, not Python validation, says no."""

import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import UserFactory
from annotations.models import Highlight
from annotations.tests.factories import HighlightFactory, NoteFactory
from bookmarks.models import Bookmark, Page, Snapshot, Tag
from bookmarks.tests.factories import BookmarkFactory, PageFactory, TagFactory
from groups.models import Group, GroupItem, Membership
from groups.tests.factories import GroupFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def refused(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.mark.parametrize(
    "first, second",
    [
        ("Kubernetes", "kubernetes"),
        ("Straße", "STRASSE"),  # case folding, not lower-casing
        ("café", "cafe\u0301"),  # composed and decomposed é
        ("ＡＰＩ", "api"),  # full-width letters (NFKC)
        ("架構", "架構"),
    ],
)
def test_a_tag_differing_only_in_case_or_normal_form_is_refused(first, second):
    Tag.objects.create(name=first)
    refused(lambda: Tag.objects.create(name=second))
    assert Tag.objects.get().name == first


@pytest.mark.parametrize("name", ["a,b", "a/b", ".", "..", ""])
def test_a_tag_name_urls_cannot_carry_is_refused(name):
    refused(lambda: Tag.objects.create(name=name))


def test_one_bookmark_per_user_and_page():
    bookmark = BookmarkFactory()
    refused(lambda: BookmarkFactory(user=bookmark.user, page=bookmark.page))
    BookmarkFactory(page=bookmark.page)  # another user may save it too


def test_one_page_per_canonical_url():
    PageFactory(url="https://example.org/a")
    refused(lambda: Page.objects.create(url="https://example.org/a"))


def test_a_page_url_is_http_or_https():
    refused(lambda: Page.objects.create(url="javascript:alert(1)"))


def test_one_membership_per_user_and_group():
    membership = MembershipFactory()
    refused(lambda: MembershipFactory(group=membership.group, user=membership.user))


def test_one_item_per_page_per_group():
    group, page, user = GroupFactory(), PageFactory(), UserFactory()
    GroupItem.objects.create(group=group, page=page, shared_by=user, shared_at="2020-01-01T00:00Z")
    refused(
        lambda: GroupItem.objects.create(
            group=group, page=page, shared_by=user, shared_at="2021-01-01T00:00Z"
        )
    )


@pytest.mark.parametrize(
    "model, factory, field, value",
    [
        (Group, GroupFactory, "visibility", "secret"),
        (Membership, MembershipFactory, "role", "king"),
        (Highlight, HighlightFactory, "colour", "violet"),
        (Highlight, HighlightFactory, "anchor_state", "floating"),
        (Snapshot, lambda: Snapshot.objects.create(page=PageFactory()), "status", "done"),
    ],
)
def test_choices_are_checked_by_the_database(model, factory, field, value):
    row = factory()
    refused(lambda: model.objects.filter(pk=row.pk).update(**{field: value}))


def test_highlight_positions_are_both_set_and_ordered():
    highlight = HighlightFactory()
    refused(lambda: Highlight.objects.filter(pk=highlight.pk).update(start=5, end=None))
    refused(lambda: Highlight.objects.filter(pk=highlight.pk).update(start=9, end=3))
    Highlight.objects.filter(pk=highlight.pk).update(start=3, end=9)


def test_empty_quotes_and_notes_are_refused():
    refused(lambda: HighlightFactory(quote=""))
    refused(lambda: NoteFactory(text=""))


def test_tag_key_is_the_folded_name():
    tag = TagFactory(name="Distributed Systems")
    assert (tag.name, tag.key) == ("Distributed Systems", "distributed systems")
    assert Tag.objects.create(name="ÅNGSTRÖM").key == "ångström"


def test_deleting_a_user_takes_their_bookmarks_but_not_shared_pages():
    bookmark = BookmarkFactory()
    bookmark.user.delete()
    assert not Bookmark.objects.exists()
    assert Page.objects.filter(pk=bookmark.page_id).exists()
