import pytest
from django.utils import timezone

from bookmarks.canonical import InvalidURL
from bookmarks.models import Bookmark, BookmarkTag, Page, Tag
from bookmarks.services import (
    get_or_create_page,
    get_or_create_tags,
    merge_tags,
    save_bookmark,
)
from bookmarks.tagnames import InvalidTagName, split_tags
from bookmarks.tests.factories import BookmarkFactory, TagFactory
from groups.models import GroupItemTag
from groups.services import add_member, share_bookmark
from groups.tests.factories import GroupFactory

pytestmark = pytest.mark.django_db


def test_one_page_however_the_url_is_written():
    first = get_or_create_page(url="https://Example.org/a#top")
    assert get_or_create_page(url="https://example.org:443/a") == first
    assert Page.objects.count() == 1


def test_tags_are_found_by_folded_key_and_keep_their_first_spelling():
    (kubernetes,) = get_or_create_tags(["Kubernetes"])
    again, new = get_or_create_tags(["KUBERNETES", "架構 設計"])
    assert again == kubernetes and again.name == "Kubernetes"
    assert new.name == "架構 設計"
    assert get_or_create_tags(["a", "A", "a"]) == get_or_create_tags(["a"])


@pytest.mark.parametrize("bad", ["a/b", "..", "   "])
def test_bad_tag_names_are_refused(bad):
    with pytest.raises(InvalidTagName):
        get_or_create_tags([bad])


def test_split_tags():
    assert split_tags(" python , Django,python,  multi   word ,,") == [
        "python",
        "Django",
        "multi word",
    ]


def test_save_bookmark_creates_then_updates(user):
    bookmark, created = save_bookmark(
        user=user, url="https://example.org/x", title="X", tag_names=["one", "二"]
    )
    assert created and {t.name for t in bookmark.tags.all()} == {"one", "二"}
    again, created = save_bookmark(
        user=user, url="https://EXAMPLE.org/x#y", tag_names=["two"], is_private=True
    )
    assert not created and again.pk == bookmark.pk
    assert again.title == "X" and again.is_private
    assert [t.name for t in again.tags.all()] == ["two"]


def test_save_bookmark_writes_nothing_on_bad_input(user):
    with pytest.raises(InvalidURL):
        save_bookmark(user=user, url="javascript:alert(1)", tag_names=["kept?"])
    with pytest.raises(InvalidTagName):
        save_bookmark(user=user, url="https://example.org/", tag_names=["a/b"])
    assert not Bookmark.objects.exists() and not Tag.objects.exists()
    assert not Page.objects.exists()


def test_merge_tags_moves_every_use(user):
    keep, dup1, dup2 = TagFactory(name="k8s"), TagFactory(name="kube"), TagFactory(name="KubeX")
    both = BookmarkFactory(user=user, tags=[keep, dup1, dup2])
    only_dup = BookmarkFactory(user=user, tags=[dup1])
    group = GroupFactory()
    add_member(group=group, user=user)
    item = share_bookmark(bookmark=both, group=group, shared_at=timezone.now())

    assert merge_tags(keep=keep, merged=[dup1, dup2, keep]) == 2

    assert set(Tag.objects.all()) == {keep}
    assert list(both.tags.all()) == [keep]
    assert list(only_dup.tags.all()) == [keep]
    assert BookmarkTag.objects.count() == 2
    assert list(GroupItemTag.objects.filter(item=item).values_list("tag", flat=True)) == [keep.pk]
