"""The item page's controls and what they post to: discussion notes,
moderation (take an item out, edit its tags) and unsharing."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight
from bookmarks.models import Bookmark
from bookmarks.services import save_bookmark
from groups import item_views
from groups.models import GroupItem, GroupNote, Membership
from groups.selectors import tag_cloud
from groups.services import add_group_note, add_member, share_bookmark

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "lxml")


def item_url(b, item):
    return reverse("groups:item", args=[b.group.slug, item.pk])


@pytest.fixture
def shared(build):
    """An item the member shared, with one highlight; a moderator too."""
    b = build()
    b.moderator = UserFactory(display_name="Moderator")
    add_member(group=b.group, user=b.moderator, role=Membership.Role.MODERATOR)
    b.shared = b.item(user=b.member, highlights=2, tags=["architecture", "設計"])
    b.highlight = Bookmark.objects.get(user=b.member).highlights.first()
    return b


# --- Discussion notes -------------------------------------------------------


def test_members_add_a_note_on_the_item(client, shared):
    client.force_login(shared.owner)
    url = reverse("groups:add_note", args=["reading", shared.shared.pk])
    response = client.post(url, {"text": "Worth a second read\nTomorrow"})
    note = GroupNote.objects.get(text="Worth a second read\nTomorrow")
    assert response["Location"] == f"{item_url(shared, shared.shared)}#note-{note.pk}"
    assert (note.author, note.highlight) == (shared.owner, None)
    page = soup(client.get(item_url(shared, shared.shared)))
    assert "Worth a second read" in page.select_one(f"#note-{note.pk}").get_text()
    assert page.select_one(".discussion").find(id=f"note-{note.pk}")


def test_members_add_a_note_on_a_highlight(client, shared):
    client.force_login(shared.moderator)
    url = reverse("groups:add_note", args=["reading", shared.shared.pk])
    client.post(url, {"text": "這段很重要", "highlight": shared.highlight.pk})
    note = GroupNote.objects.get(text="這段很重要")
    assert note.highlight == shared.highlight
    page = soup(client.get(item_url(shared, shared.shared)))
    quote = page.find(id=f"highlight-{shared.highlight.pk}")
    assert quote.find(id=f"note-{note.pk}")


def test_an_empty_note_is_an_error_next_to_the_field(client, shared):
    client.force_login(shared.member)
    url = reverse("groups:add_note", args=["reading", shared.shared.pk])
    response = client.post(url, {"text": "  ", "highlight": shared.highlight.pk})
    assert response.status_code == 200
    html = soup(response)
    assert html.find(id="id_text_error")
    assert html.find("input", attrs={"name": "highlight"})["value"] == str(shared.highlight.pk)
    assert shared.highlight.quote in html.get_text()
    assert not GroupNote.objects.exists()


def test_the_note_form_opens_on_its_own_page_too(client, shared):
    client.force_login(shared.member)
    url = reverse("groups:add_note", args=["reading", shared.shared.pk])
    html = soup(client.get(f"{url}?highlight={shared.highlight.pk}"))
    assert html.find("label", attrs={"for": "id_text"})
    assert shared.highlight.quote in html.get_text()
    assert client.get(f"{url}?highlight=abc").status_code == 404


def test_a_highlight_not_shown_in_this_item_is_404(client, shared, build):
    """Same page, but the highlight's bookmark is not shared into this item:
    unshared, or shared into another group."""
    stranger = UserFactory()
    theirs, _ = save_bookmark(user=stranger, url=shared.shared.page.url, is_private=True)
    private_highlight = add_highlight(bookmark=theirs, quote="not for this group")
    other = build(slug="elsewhere", name="Elsewhere")
    elsewhere = other.item(url=shared.shared.page.url, highlights=1)
    other_highlight = Bookmark.objects.get(user=other.owner).highlights.get()
    client.force_login(shared.member)
    url = reverse("groups:add_note", args=["reading", shared.shared.pk])
    for highlight_id in (private_highlight.pk, other_highlight.pk, 999999):
        assert client.post(url, {"text": "x", "highlight": highlight_id}).status_code == 404
        assert client.get(f"{url}?highlight={highlight_id}").status_code == 404
    assert not GroupNote.objects.filter(item=shared.shared).exists()
    assert elsewhere.page_id == shared.shared.page_id


def test_authors_edit_their_own_notes(client, shared):
    note = add_group_note(item=shared.shared, author=shared.member, text="First thought")
    url = reverse("groups:edit_note", args=["reading", shared.shared.pk, note.pk])
    client.force_login(shared.member)
    form = soup(client.get(url))
    assert form.find("textarea", attrs={"name": "text"}).get_text().strip() == "First thought"
    response = client.post(url, {"text": "Second thought"})
    assert response["Location"].endswith(f"#note-{note.pk}")
    note.refresh_from_db()
    assert note.text == "Second thought"
    assert client.post(url, {"text": ""}).status_code == 200
    note.refresh_from_db()
    assert note.text == "Second thought"


def test_no_one_else_edits_a_note_not_even_an_owner(client, shared):
    note = add_group_note(item=shared.shared, author=shared.member, text="Mine")
    url = reverse("groups:edit_note", args=["reading", shared.shared.pk, note.pk])
    for person in (shared.owner, shared.moderator):
        client.force_login(person)
        assert client.post(url, {"text": "Theirs"}).status_code == 403
    note.refresh_from_db()
    assert note.text == "Mine"


@pytest.mark.parametrize("who", ["author", "moderator", "owner"])
def test_authors_and_moderators_delete_notes(client, shared, who):
    note = add_group_note(item=shared.shared, author=shared.member, text="To go")
    person = {"author": shared.member, "moderator": shared.moderator, "owner": shared.owner}[who]
    client.force_login(person)
    url = reverse("groups:delete_note", args=["reading", shared.shared.pk, note.pk])
    assert "To go" in soup(client.get(url)).select_one(".manage-subject").get_text()
    assert client.post(url)["Location"] == item_url(shared, shared.shared)
    assert not GroupNote.objects.filter(pk=note.pk).exists()


def test_a_member_cannot_delete_anothers_note(client, shared):
    note = add_group_note(item=shared.shared, author=shared.owner, text="The owner's")
    client.force_login(shared.member)
    url = reverse("groups:delete_note", args=["reading", shared.shared.pk, note.pk])
    assert client.post(url).status_code == 403
    assert GroupNote.objects.filter(pk=note.pk).exists()


# --- Moderation -------------------------------------------------------------


def test_moderators_take_an_item_out_and_the_bookmarks_stay(client, shared):
    add_group_note(item=shared.shared, author=shared.member, text="goes too")
    client.force_login(shared.moderator)
    url = reverse("groups:remove_item", args=["reading", shared.shared.pk])
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"] == reverse("groups:detail", args=["reading"])
    assert not GroupItem.objects.filter(pk=shared.shared.pk).exists()
    assert not GroupNote.objects.exists()
    assert Bookmark.objects.filter(user=shared.member).exists()


def tags_of(item):
    return sorted(item.tags.values_list("name", flat=True))


def test_moderators_edit_tags_in_any_script(client, shared):
    client.force_login(shared.moderator)
    url = reverse("groups:item_tags", args=["reading", shared.shared.pk])
    form = soup(client.get(url)).find("input", attrs={"name": "tags"})
    assert form["value"] == "architecture, 設計"
    response = client.post(url, {"tags": "分散式系統, Kubernetes, kubernetes, 設計"})
    assert response["Location"] == item_url(shared, shared.shared)
    assert tags_of(shared.shared) == ["Kubernetes", "分散式系統", "設計"]
    tag_page = client.get(reverse("groups:tag", args=["reading", "分散式系統"]))
    assert "Reading note 1" in tag_page.content.decode()
    assert "architecture" not in {tag["name"] for tag in tag_cloud(shared.group)}


@pytest.mark.parametrize("tags", ["a/b", "ok, ../x", "..", "x" * 101])
def test_a_tag_the_urls_cannot_carry_is_an_error_next_to_the_field(client, shared, tags):
    client.force_login(shared.owner)
    url = reverse("groups:item_tags", args=["reading", shared.shared.pk])
    response = client.post(url, {"tags": tags})
    assert response.status_code == 200
    html = soup(response)
    assert "cannot be saved" in html.find(id="id_tags_error").get_text()
    assert html.find("input", attrs={"name": "tags"})["value"] == tags
    assert tags_of(shared.shared) == ["architecture", "設計"]


def test_empty_tags_clear_the_items_tags(client, shared):
    client.force_login(shared.owner)
    client.post(reverse("groups:item_tags", args=["reading", shared.shared.pk]), {"tags": ""})
    assert tags_of(shared.shared) == []


# --- Unsharing --------------------------------------------------------------


def test_unsharing_passes_the_item_to_the_next_sharer(client, shared):
    later, _ = save_bookmark(user=shared.owner, url=shared.shared.page.url, title="Mine too")
    share_bookmark(bookmark=later, group=shared.group)
    add_group_note(
        item=shared.shared, author=shared.owner, text="on a passage", highlight=shared.highlight
    )
    client.force_login(shared.member)
    url = reverse("groups:unshare", args=["reading", shared.shared.pk])
    assert client.get(url).status_code == 200
    assert client.post(url)["Location"] == item_url(shared, shared.shared)
    shared.shared.refresh_from_db()
    assert shared.shared.shared_by == shared.owner
    assert not GroupNote.objects.filter(highlight=shared.highlight).exists()
    assert Bookmark.objects.filter(user=shared.member).exists()
    assert client.post(url).status_code == 403  # nothing of theirs is left in it


def test_the_last_sharer_takes_the_item_out(client, shared):
    client.force_login(shared.member)
    response = client.post(reverse("groups:unshare", args=["reading", shared.shared.pk]))
    assert response["Location"] == reverse("groups:detail", args=["reading"])
    assert not GroupItem.objects.filter(pk=shared.shared.pk).exists()


# --- The controls on the page ----------------------------------------------


def controls(html):
    return {
        "discuss": bool(html.select('form[action$="/notes/"]')),
        "moderate": bool(html.select(".moderation")),
        "unshare": bool(html.select('a[href$="/unshare/"]')),
        "note links": bool(html.select(".note-controls")),
    }


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", dict.fromkeys(["discuss", "moderate", "unshare", "note links"], False)),
        ("stranger", dict.fromkeys(["discuss", "moderate", "unshare", "note links"], False)),
        ("member", {"discuss": True, "moderate": False, "unshare": True, "note links": True}),
        ("moderator", {"discuss": True, "moderate": True, "unshare": False, "note links": True}),
    ],
)
def test_the_item_page_shows_the_controls_the_role_allows(client, shared, who, expected):
    add_group_note(item=shared.shared, author=shared.member, text="the member's")
    person = {"stranger": UserFactory(), "member": shared.member, "moderator": shared.moderator}
    if who in person:
        client.force_login(person[who])
    assert controls(soup(client.get(item_url(shared, shared.shared)))) == expected


def test_group_and_tag_pages_show_no_item_controls(client, shared):
    add_group_note(item=shared.shared, author=shared.member, text="the member's")
    client.force_login(shared.member)
    for url in (
        reverse("groups:detail", args=["reading"]),
        reverse("groups:tag", args=["reading", "architecture"]),
    ):
        html = soup(client.get(url))
        assert not any(controls(html).values()), url
        assert "FAKE-PARTIAL" not in html.get_text()


FAKE_ADD = "FAKE-PARTIAL add {{ bookmark.pk }} {{ next }}"
FAKE_CONTROLS = "FAKE-PARTIAL controls {{ highlight.pk }}"


@pytest.fixture
def fake_partials(settings, tmp_path):
    """Stand-ins for the annotations app's partials, found before any real ones."""
    folder = tmp_path / "annotations"
    folder.mkdir()
    (folder / "_add_highlight.html").write_text(FAKE_ADD)
    (folder / "_highlight_controls.html").write_text(FAKE_CONTROLS)
    engine = {**django_settings.TEMPLATES[0]}
    engine["DIRS"] = [tmp_path, *engine["DIRS"]]
    settings.TEMPLATES = [engine]


def test_the_annotation_partials_show_for_the_readers_own_share_only(client, shared, fake_partials):
    url = item_url(shared, shared.shared)
    bookmark = Bookmark.objects.get(user=shared.member)
    client.force_login(shared.member)
    text = soup(client.get(url)).get_text()
    assert f"FAKE-PARTIAL add {bookmark.pk} {url}" in text
    for highlight in bookmark.highlights.all():
        assert f"FAKE-PARTIAL controls {highlight.pk}" in text
    client.force_login(shared.moderator)
    assert "FAKE-PARTIAL" not in client.get(url).content.decode()
    client.force_login(shared.member)
    assert (
        "FAKE-PARTIAL"
        not in client.get(reverse("groups:detail", args=["reading"])).content.decode()
    )


def test_missing_annotation_partials_are_left_out(client, shared, monkeypatch):
    monkeypatch.setattr(
        item_views,
        "ANNOTATION_PARTIALS",
        {"add_highlight": "nowhere/_a.html", "highlight_controls": "nowhere/_b.html"},
    )
    assert item_views.available_partials() == {"add_highlight": False, "highlight_controls": False}
    client.force_login(shared.member)
    response = client.get(item_url(shared, shared.shared))
    assert response.status_code == 200
    assert soup(response).select('a[href$="/unshare/"]')


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_item_page_queries_do_not_grow_for_a_moderator(client, build):
    small, large = build(slug="small"), build(slug="large")
    for b in (small, large):
        add_member(group=b.group, user=b.member, role=Membership.Role.MODERATOR)
    small_item = small.item(highlights=1, discussion=1)
    large_item = large.item(highlights=30, notes=2, discussion=3)
    client.force_login(small.member)
    few = count_queries(client, item_url(small, small_item))
    client.force_login(large.member)
    assert count_queries(client, item_url(large, large_item)) == few
