"""Saving a bookmark by form: /bookmarks/new/, as the bookmarklet opens it."""

import html as htmllib
from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from bookmarks.models import Bookmark, Page
from bookmarks.services import save_bookmark
from groups.models import Group, GroupItem, GroupItemTag, GroupShare
from groups.services import NotAMember, create_group

pytestmark = pytest.mark.django_db

NEW = "/bookmarks/new/"
UNICODE_URL = "https://例え.jp/wiki/東京の建築?版=2#歴史"
CJK_TITLE = "東京の建築 — 設計ノート"


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def post_new(client, **fields):
    data = {"url": "https://example.org/a", "title": "", "description": "", "tags": ""}
    data.update(fields)
    return client.post(NEW, data)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def make_group(owner, name, *, visibility=Group.Visibility.PUBLIC) -> Group:
    slug = f"g{Group.objects.count() + 1}"
    return create_group(name=name, slug=slug, created_by=owner, visibility=visibility)


def test_the_url_names_the_form():
    assert reverse("bookmarks:new") == NEW


def test_the_form_is_prefilled_from_the_query(signed_in):
    response = signed_in.get(
        NEW, {"url": UNICODE_URL, "title": CJK_TITLE, "description": "メモ <b>bold</b>"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'value="{htmllib.escape(UNICODE_URL)}"' in body
    assert f'value="{CJK_TITLE}"' in body
    assert "メモ &lt;b&gt;bold&lt;/b&gt;</textarea>" in body
    assert '<label for="id_url">' in body and '<label for="id_tags">' in body
    assert 'name="csrfmiddlewaretoken"' in body


def test_an_empty_form_shows_without_a_query(signed_in):
    response = signed_in.get(NEW)
    assert response.status_code == 200
    assert 'name="url"' in response.content.decode()


def test_saving_keeps_every_field_and_goes_to_the_bookmark(signed_in, user):
    response = post_new(
        signed_in,
        url=UNICODE_URL,
        title=CJK_TITLE,
        description="第一段\nsecond line",
        tags="建築, Web Design, 建築",
        is_private="on",
        to_read="on",
    )
    bookmark = Bookmark.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:detail", args=[bookmark.pk])
    assert messages_of(response) == ["Bookmark saved."]
    assert bookmark.url == UNICODE_URL
    assert bookmark.page.url == "https://xn--r8jz45g.jp/wiki/東京の建築?版=2"
    assert bookmark.title == CJK_TITLE
    assert bookmark.description == "第一段\nsecond line"
    assert sorted(tag.name for tag in bookmark.tags.all()) == ["Web Design", "建築"]
    assert bookmark.is_private and bookmark.to_read
    page = signed_in.get(response["Location"]).content.decode()
    assert CJK_TITLE in page


def test_flags_are_off_unless_ticked(signed_in, user):
    post_new(signed_in)
    bookmark = Bookmark.objects.get(user=user)
    assert not bookmark.is_private and not bookmark.to_read


# --- A page already in the library ------------------------------------------------


@pytest.fixture
def saved(user):
    bookmark, _ = save_bookmark(
        user=user,
        url="https://example.org/kept",
        title="Kept title",
        description="Kept description",
        tag_names=["old"],
        is_private=True,
        created_at=datetime(2024, 3, 12, 9, 0, tzinfo=UTC),
    )
    return bookmark


def test_opening_the_form_for_a_saved_page_goes_to_its_edit_page(signed_in, saved):
    # Written another way: same canonical page.
    response = signed_in.get(NEW, {"url": "HTTPS://EXAMPLE.org:443/kept#part", "title": "New"})
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:edit", args=[saved.pk])
    assert messages_of(response) == ["You saved this page on March 12, 2024; edit it here."]


def test_posting_a_saved_page_shows_its_edit_page_without_writing(signed_in, user, saved):
    group = make_group(user, "Readers")
    response = post_new(
        signed_in,
        url="https://example.org/kept#again",
        title="",
        tags="new, OLD",
        groups=[group.pk],
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "You saved this page on March 12, 2024; edit it here." in body
    assert f'action="{reverse("bookmarks:edit", args=[saved.pk])}"' in body
    # What is saved, plus what was just typed: nothing lost, nothing undone.
    assert 'value="Kept title"' in body
    assert 'value="old, new"' in body
    assert f'value="{group.pk}" id="id_groups_0" checked' in body
    assert 'name="is_private" id="id_is_private" checked' in body
    assert Bookmark.objects.count() == 1
    saved.refresh_from_db()
    assert [tag.name for tag in saved.tags.all()] == ["old"]
    assert not GroupShare.objects.exists()


def test_another_users_bookmark_of_the_page_is_no_obstacle(signed_in, user, other_user):
    save_bookmark(user=other_user, url="https://example.org/theirs")
    response = signed_in.get(NEW, {"url": "https://example.org/theirs"})
    assert response.status_code == 200
    post_new(signed_in, url="https://example.org/theirs")
    assert Bookmark.objects.filter(user=user).count() == 1
    assert Page.objects.count() == 1


# --- Errors: shown by the field, with the input kept ----------------------------


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "Only http and https URLs can be saved."),
        ("ftp://example.org/file", "Only http and https URLs can be saved."),
        ("https://", "The URL has no host."),
        ("", "This field is required."),
        ("   ", "This field is required."),
    ],
)
def test_a_bad_url_is_a_field_error_with_the_input_kept(signed_in, url, message):
    response = post_new(signed_in, url=url, title="Still here", tags="kept")
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<ul class="errorlist" id="id_url_error"><li>{message}</li></ul>' in body
    assert 'aria-invalid="true"' in body
    if url.strip():
        assert f'value="{htmllib.escape(url)}"' in body
    assert 'value="Still here"' in body and 'value="kept"' in body
    assert not Bookmark.objects.exists()


@pytest.mark.parametrize(
    ("tags", "bad"),
    [("good, a/b", "a/b"), ("..", ".."), ("fine, .", "."), ("x" * 101, "x" * 101)],
)
def test_a_bad_tag_is_named_in_the_error(signed_in, tags, bad):
    response = post_new(signed_in, tags=tags, title="Kept")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_tags_error"' in body
    assert f"The tag “{bad}” is not allowed." in body
    assert f'value="{tags}"' in body
    assert not Bookmark.objects.exists()


def test_blank_pieces_between_commas_are_skipped(signed_in, user):
    post_new(signed_in, tags=" a, , b ,")
    assert sorted(Bookmark.objects.get().tags.values_list("name", flat=True)) == ["a", "b"]


# --- Sharing into groups ----------------------------------------------------------


def test_only_member_groups_are_offered(signed_in, user, other_user):
    mine = make_group(user, "My circle")
    make_group(other_user, "Their secret circle", visibility=Group.Visibility.PRIVATE)
    make_group(other_user, "Their open circle")
    body = signed_in.get(NEW).content.decode()
    assert "My circle" in body
    assert "Their secret circle" not in body and "Their open circle" not in body
    assert f'value="{mine.pk}"' in body


def test_saving_shares_into_the_chosen_groups(signed_in, user):
    first, second = make_group(user, "First"), make_group(user, "Second")
    post_new(signed_in, tags="shared-tag", groups=[first.pk, second.pk])
    bookmark = Bookmark.objects.get()
    assert set(GroupShare.objects.values_list("item__group", "bookmark")) == {
        (first.pk, bookmark.pk),
        (second.pk, bookmark.pk),
    }
    assert GroupItemTag.objects.filter(tag__name="shared-tag").count() == 2


def test_a_group_one_is_not_a_member_of_is_an_error_and_nothing_is_saved(
    signed_in, user, other_user
):
    mine = make_group(user, "Mine")
    theirs = make_group(other_user, "Not yours", visibility=Group.Visibility.PRIVATE)
    response = post_new(signed_in, title="Kept", groups=[mine.pk, theirs.pk])
    assert response.status_code == 200
    body = response.content.decode()
    assert "You can share only into groups you are a member of." in body
    assert "Not yours" not in body
    assert 'value="Kept"' in body
    assert not Bookmark.objects.exists()
    assert not GroupItem.objects.exists()


def test_a_share_that_fails_saves_nothing(signed_in, user, monkeypatch):
    """Saving and sharing are one transaction."""
    group = make_group(user, "Left meanwhile")

    def refuse(**kwargs):
        raise NotAMember("left")

    monkeypatch.setattr("bookmarks.edit_views.share_bookmark", refuse)
    response = post_new(signed_in, title="Kept", groups=[group.pk])
    assert response.status_code == 200
    assert "You can share only into groups you are a member of." in response.content.decode()
    assert not Bookmark.objects.exists()
    assert not Page.objects.exists()


def test_the_form_refuses_other_methods(signed_in):
    assert signed_in.put(NEW).status_code == 405
