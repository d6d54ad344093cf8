"""The Django admin: every registered model lists, adds, edits, searches and
filters; curation actions do what they promise; lists cost a fixed number of
queries; what users wrote is shown escaped."""

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import lxml.html
import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, ForeignKeyRawIdWidget
from django.contrib.auth.models import Group as PermissionGroup
from django.db import connection
from django.forms import ModelChoiceField
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.tests.factories import HighlightFactory, NoteFactory
from bookmarks.models import Bookmark, BookmarkTag, Page, Snapshot, Tag
from bookmarks.tagnames import fold
from bookmarks.tests.factories import BookmarkFactory, PageFactory, SnapshotFactory, TagFactory
from groups.models import (
    Group,
    GroupItem,
    GroupItemTag,
    GroupNote,
    GroupShare,
    Invitation,
    Membership,
)
from groups.services import share_bookmark
from groups.tests.factories import GroupFactory, GroupNoteFactory, MembershipFactory
from interchange.models import ApiToken, ImportJob

HOSTILE = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
#: Tag names cannot hold "/", so tags get their own hostile text.
HOSTILE_TAG = "<img src=x onerror=alert(1)>"
ESCAPED_TAG = "&lt;img src=x onerror=alert(1)&gt;"

#: Read at import: a model registered later is covered without touching this file.
REGISTERED = sorted(admin.site._registry.items(), key=lambda pair: pair[0]._meta.label)
REGISTERED_IDS = [model._meta.label for model, _ in REGISTERED]

#: Tables that grow with use: a change form must never offer them as a <select>.
LARGE_TABLES = {User, Page, Snapshot, Tag, Bookmark, Highlight, Group, GroupItem}


def admin_url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def page_text(response) -> str:
    assert response.status_code == 200, response
    text = response.content.decode()
    assert HOSTILE not in text
    assert HOSTILE_TAG not in text
    return text


@pytest.fixture
def data(db):
    zhang = UserFactory(username="zhang", display_name="張 旭")
    mallory = UserFactory(username="mallory", display_name=HOSTILE)
    architecture = TagFactory(name="architecture")
    jiagou = TagFactory(name="架構")
    hostile_tag = TagFactory(name=HOSTILE_TAG)

    page = PageFactory(url="https://example.org/中文/架構", title="系統架構")
    hostile_page = PageFactory(url="https://example.net/x?q=%3Cscript%3E", title=HOSTILE)
    snapshot = SnapshotFactory(
        page=page,
        status=Snapshot.Status.OK,
        fetched_at=timezone.now(),
        http_status=200,
        text="系統的邊界在哪裡",
    )
    SnapshotFactory(page=hostile_page, status=Snapshot.Status.FAILED, error=HOSTILE)

    bookmark = BookmarkFactory(
        user=zhang, page=page, title="讀書筆記：系統架構", tags=[architecture, jiagou]
    )
    hostile_bookmark = BookmarkFactory(
        user=mallory,
        page=hostile_page,
        title=HOSTILE,
        description=HOSTILE,
        tags=[hostile_tag, architecture],
    )
    highlight = HighlightFactory(bookmark=bookmark, quote="系統的邊界", snapshot=snapshot)
    HighlightFactory(bookmark=hostile_bookmark, quote=HOSTILE, colour=Highlight.Colour.PINK)
    NoteFactory(bookmark=bookmark, highlight=highlight, text="說得好")
    NoteFactory(bookmark=hostile_bookmark, text=HOSTILE)

    group = GroupFactory(
        name="Larvata 架構",
        slug="larvata-架構",
        visibility=Group.Visibility.PRIVATE,
        created_by=zhang,
    )
    hostile_group = GroupFactory(name=HOSTILE, slug="hostile", created_by=mallory)
    MembershipFactory(group=group, user=zhang, role=Membership.Role.OWNER)
    MembershipFactory(group=hostile_group, user=mallory, role=Membership.Role.OWNER)
    item = share_bookmark(bookmark=bookmark, group=group)
    hostile_item = share_bookmark(bookmark=hostile_bookmark, group=hostile_group)
    GroupNoteFactory(item=item, highlight=highlight, author=zhang, text="這段值得討論")
    GroupNoteFactory(item=hostile_item, author=mallory, text=HOSTILE)
    invitation = _invitation(group, zhang)
    _invitation(hostile_group, mallory)
    import_job = ImportJob.objects.create(
        owner=zhang,
        original_name="書籤.html",
        format=ImportJob.Format.NETSCAPE,
        status=ImportJob.Status.DONE,
        total=3,
        processed=3,
        report={"format": "netscape", "rows": 3, "created": 3},
    )
    ImportJob.objects.create(
        owner=mallory, original_name=HOSTILE, format=ImportJob.Format.DIIGO_CSV, error=HOSTILE
    )
    api_token = ApiToken.objects.create(user=zhang)
    ApiToken.objects.create(user=mallory)
    PermissionGroup.objects.create(name="curators")
    PermissionGroup.objects.create(name="editors")
    return SimpleNamespace(**locals())


def _invitation(group=None, by=None):
    group = group or MembershipFactory().group
    return Invitation.objects.create(
        group=group, created_by=by, expires_at=timezone.now() + timedelta(days=7)
    )


# --- Every registered model renders ------------------------------------------


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_changelist_add_and_change_forms_render(admin_client, data, model, model_admin):
    text = page_text(admin_client.get(admin_url(model, "changelist")))
    assert 'id="result_list"' in text
    page_text(admin_client.get(admin_url(model, "add")))
    objects = list(model._default_manager.all())
    assert objects, f"add a {model._meta.label} to the `data` fixture"
    for obj in objects:
        page_text(admin_client.get(admin_url(model, "change", obj.pk)))


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_change_forms_save_unchanged(admin_client, data, model, model_admin):
    """Submitting a change form as rendered succeeds: nothing in the form
    trips over its own data (unicode, hostile text, inlines)."""
    for obj in model._default_manager.all():
        url, fields = change_form_fields(admin_client, obj)
        response = admin_client.post(url, {**fields, "_save": "Save"})
        assert response.status_code == 302, _form_errors(response)


def change_form_fields(client, obj) -> tuple[str, dict[str, list[str]]]:
    """The change form's URL and the values a browser would submit unchanged."""
    url = admin_url(type(obj), "change", obj.pk)
    document = lxml.html.fromstring(page_text(client.get(url)))
    fields = {}
    for name, value in document.get_element_by_id(f"{obj._meta.model_name}_form").form_values():
        fields.setdefault(name, []).append(value)
    return url, fields


def _form_errors(response):
    context = response.context
    errors = [context["adminform"].form.errors]
    errors += [formset.errors for formset in context["inline_admin_formsets"]]
    return errors


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_every_filter_choice_renders(admin_client, data, model, model_admin):
    url = admin_url(model, "changelist")
    text = page_text(admin_client.get(url))
    sidebar = re.search(r'<nav id="changelist-filter".*?</nav>', text, re.S)
    assert bool(sidebar) == bool(model_admin.list_filter)
    if not sidebar:
        return
    links = {html.unescape(href) for href in re.findall(r'href="(\?[^"]*)"', sidebar.group())}
    assert links
    for query in links:
        page_text(admin_client.get(url + query))


#: A search per model: the term, and what it must find in the `data` fixture.
SEARCHES = {
    "accounts.User": ("張", "zhang"),
    "interchange.ImportJob": ("書籤", "import_job"),
    "interchange.ApiToken": ("張", "api_token"),
    "auth.Group": ("curat", None),
    "bookmarks.Page": ("系統架構", "page"),
    "bookmarks.Snapshot": ("example.org/中文", "snapshot"),
    "bookmarks.Tag": ("ＡＲＣＨ", "architecture"),  # full-width: found through the folded key
    "bookmarks.Bookmark": ("讀書筆記", "bookmark"),
    "annotations.Highlight": ("邊界", "highlight"),
    "annotations.Note": ("說得好", None),
    "groups.Group": ("架構", "group"),
    "groups.Membership": ("張 旭", None),
    "groups.GroupItem": ("Larvata", "item"),
    "groups.GroupNote": ("值得", None),
    "groups.Invitation": ("Larvata", "invitation"),
}


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_search_finds_what_it_should(admin_client, data, model, model_admin):
    assert model_admin.search_fields
    term, expected = SEARCHES[model._meta.label]
    response = admin_client.get(admin_url(model, "changelist"), {"q": term})
    page_text(response)
    found = list(response.context["cl"].result_list)
    assert found
    assert len(found) < model._default_manager.count()
    if expected:
        assert getattr(data, expected) in found
    # A hostile search term comes back escaped in the search box.
    text = page_text(admin_client.get(admin_url(model, "changelist"), {"q": HOSTILE}))
    assert ESCAPED in text


def test_tag_search_folds_case_beyond_ascii(admin_client, data):
    ecole = TagFactory(name="école")
    response = admin_client.get(admin_url(Tag, "changelist"), {"q": "ÉCOLE"})
    assert list(response.context["cl"].result_list) == [ecole]


def test_hostile_and_chinese_text_is_shown_escaped(admin_client, data):
    text = page_text(admin_client.get(admin_url(Bookmark, "changelist")))
    assert "讀書筆記：系統架構" in text
    assert "張 旭" in text
    assert ESCAPED in text  # title and owner's display name
    text = page_text(admin_client.get(admin_url(Tag, "changelist")))
    assert ESCAPED_TAG in text
    assert "架構" in text
    text = page_text(admin_client.get(admin_url(Group, "change", data.hostile_group.pk)))
    assert ESCAPED in text


def test_change_forms_never_offer_a_large_table_as_a_select(rf, admin_user, data):
    request = rf.get("/")
    request.user = admin_user
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        forms = [(model_admin.get_form(request, obj, change=True), None)]
        for inline in model_admin.get_inline_instances(request, obj):
            formset = inline.get_formset(request, obj)
            forms.append((formset.form, formset.fk.name))  # the parent: hidden
        for form, parent in forms:
            for name, field in form.base_fields.items():
                if name == parent:
                    continue
                if isinstance(field, ModelChoiceField) and field.queryset.model in LARGE_TABLES:
                    widget = getattr(field.widget, "widget", field.widget)
                    assert isinstance(widget, AutocompleteSelect | ForeignKeyRawIdWidget), (
                        f"{form.__name__}.{name} renders every {field.queryset.model.__name__}"
                    )


def test_inline_tag_autocomplete_answers(admin_client, data):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "bookmarks", "model_name": "bookmarktag", "field_name": "tag", "term": "架"},
    )
    assert response.status_code == 200
    assert [row["text"] for row in response.json()["results"]] == ["架構"]


# --- Forms that keep the domain's rules -----------------------------------------


def test_tag_form_refuses_bad_names_and_second_spellings(admin_client, data):
    url = admin_url(Tag, "add")
    for name in ("a,b", "..", "ARCHITECTURE"):
        response = admin_client.post(url, {"name": name})
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["name"]
    response = admin_client.post(url, {"name": "  新   標籤 "})
    assert response.status_code == 302
    assert Tag.objects.get(key=fold("新 標籤")).name == "新 標籤"


def test_page_form_stores_the_canonical_url(admin_client, data):
    response = admin_client.post(
        admin_url(Page, "add"),
        {
            "url": "HTTPS://Example.COM:443/新聞#top",
            "title": "新聞",
            "description": "",
            "snapshots-TOTAL_FORMS": "0",
            "snapshots-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert Page.objects.filter(url="https://example.com/新聞").exists()
    response = admin_client.post(
        admin_url(Page, "add"),
        {"url": "https://EXAMPLE.com/新聞", "snapshots-TOTAL_FORMS": "0"},
    )
    assert response.context["adminform"].form.errors["url"]


def test_a_group_added_here_is_owned_by_its_creator(admin_client, data):
    response = admin_client.post(
        admin_url(Group, "add"),
        {
            "name": "讀書會",
            "slug": "讀書會",
            "visibility": "public",
            "created_by": data.zhang.pk,
            "description": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    group = Group.objects.get(slug="讀書會")
    assert group.memberships.get().role == Membership.Role.OWNER


def test_item_tag_inline_copies_the_items_group_and_time(admin_client, data):
    url, fields = change_form_fields(admin_client, data.item)
    fields["groupitemtag_set-TOTAL_FORMS"] = ["3"]
    fields["groupitemtag_set-2-tag"] = [str(data.hostile_tag.pk)]
    response = admin_client.post(url, {**fields, "_save": "Save"})
    assert response.status_code == 302, _form_errors(response)
    link = GroupItemTag.objects.get(item=data.item, tag=data.hostile_tag)
    data.item.refresh_from_db()
    assert (link.group_id, link.shared_at) == (data.group.pk, data.item.shared_at)


def test_note_inline_on_a_highlight_belongs_to_its_bookmark(admin_client, data):
    url, fields = change_form_fields(admin_client, data.highlight)
    fields["notes-TOTAL_FORMS"] = ["2"]
    fields["notes-1-text"] = ["補充一句"]
    fields["notes-1-created_at_0"] = ["2024-05-01"]
    fields["notes-1-created_at_1"] = ["08:00:00"]
    response = admin_client.post(url, {**fields, "_save": "Save"})
    assert response.status_code == 302, _form_errors(response)
    note = Note.objects.get(text="補充一句")
    assert (note.highlight, note.bookmark) == (data.highlight, data.bookmark)


# --- Actions ------------------------------------------------------------------


def run_action(client, model, action, objects, **extra):
    return client.post(
        admin_url(model, "changelist"),
        {"action": action, "index": "0", "_selected_action": [obj.pk for obj in objects], **extra},
        follow=True,
    )


def test_remove_items_takes_items_out_and_keeps_bookmarks(admin_client, data):
    response = run_action(
        admin_client, GroupItem, "remove_from_group", [data.item, data.hostile_item]
    )
    assert "Removed 2 items from their groups" in page_text(response)
    assert not GroupItem.objects.exists()
    assert not GroupShare.objects.exists()
    assert not GroupItemTag.objects.exists()
    assert not GroupNote.objects.exists()
    assert Bookmark.objects.count() == 2
    assert Highlight.objects.count() == 2


def test_merge_tags_proposes_the_most_used_then_keeps_the_chosen_one(admin_client, data):
    selected = [data.jiagou, data.hostile_tag, data.architecture]
    response = run_action(admin_client, Tag, "merge_tags", selected)
    text = page_text(response)
    assert "admin/bookmarks/tag/merge_tags.html" in [t.name for t in response.templates]
    assert ESCAPED_TAG in text
    # architecture has the most uses (2 bookmarks, 2 group items): proposed.
    checked = re.findall(r'value="(\d+)" checked', text)
    assert checked == [str(data.architecture.pk)]
    assert Tag.objects.count() == 3

    response = admin_client.post(
        admin_url(Tag, "changelist"),
        {
            "action": "merge_tags",
            "_selected_action": [tag.pk for tag in selected],
            "post": "yes",
            "keep": data.jiagou.pk,
        },
        follow=True,
    )
    assert "Merged 2 tags into “架構”." in page_text(response)
    assert list(Tag.objects.all()) == [data.jiagou]
    # The bookmark that had both tags ends with one link, as does the other.
    for bookmark in (data.bookmark, data.hostile_bookmark):
        assert list(
            BookmarkTag.objects.filter(bookmark=bookmark).values_list("tag", flat=True)
        ) == [data.jiagou.pk]
    for item in (data.item, data.hostile_item):
        assert list(GroupItemTag.objects.filter(item=item).values_list("tag", flat=True)) == [
            data.jiagou.pk
        ]


def test_merge_tags_needs_two_tags_and_a_selected_keeper(admin_client, data):
    response = run_action(admin_client, Tag, "merge_tags", [data.jiagou])
    assert "Select at least two tags to merge." in page_text(response)
    other = TagFactory(name="其他")
    response = admin_client.post(
        admin_url(Tag, "changelist"),
        {
            "action": "merge_tags",
            "_selected_action": [data.jiagou.pk, data.architecture.pk],
            "post": "yes",
            "keep": other.pk,
        },
    )
    assert 'class="errornote"' in page_text(response)
    assert Tag.objects.count() == 4


def test_reset_feed_token(admin_client, data):
    old, untouched = data.zhang.feed_token, data.mallory.feed_token
    response = run_action(admin_client, User, "reset_feed_tokens", [data.zhang])
    assert "Reset the feed token of 1 user" in page_text(response)
    data.zhang.refresh_from_db()
    data.mallory.refresh_from_db()
    assert data.zhang.feed_token != old
    assert data.mallory.feed_token == untouched


# --- Queries don't grow with rows --------------------------------------------


def _shared_item():
    membership = MembershipFactory()
    bookmark = BookmarkFactory(user=membership.user, tags=[TagFactory()])
    return share_bookmark(bookmark=bookmark, group=membership.group), bookmark


def _note_on_highlight():
    highlight = HighlightFactory()
    return NoteFactory(bookmark=highlight.bookmark, highlight=highlight)


def _group_note():
    item, bookmark = _shared_item()
    highlight = HighlightFactory(bookmark=bookmark)
    return GroupNoteFactory(item=item, author=bookmark.user, highlight=highlight)


def _bookmark():
    bookmark = BookmarkFactory(tags=[TagFactory(), TagFactory()])
    HighlightFactory(bookmark=bookmark)
    return bookmark


#: One more row of each model, with the related rows its changelist shows.
MAKE_ROW = {
    "accounts.User": UserFactory,
    "interchange.ImportJob": lambda: ImportJob.objects.create(
        owner=UserFactory(), original_name="bookmarks.html", format=ImportJob.Format.NETSCAPE
    ),
    "interchange.ApiToken": lambda: ApiToken.objects.create(user=UserFactory()),
    "auth.Group": lambda: PermissionGroup.objects.create(name=f"group {timezone.now()}"),
    "bookmarks.Page": lambda: BookmarkFactory().page,
    "bookmarks.Snapshot": SnapshotFactory,
    "bookmarks.Tag": lambda: BookmarkFactory(tags=[TagFactory()]),
    "bookmarks.Bookmark": _bookmark,
    "annotations.Highlight": HighlightFactory,
    "annotations.Note": _note_on_highlight,
    "groups.Group": lambda: MembershipFactory().group,
    "groups.Membership": MembershipFactory,
    "groups.GroupItem": lambda: _shared_item()[0],
    "groups.GroupNote": _group_note,
    "groups.Invitation": _invitation,
}


def changelist_queries(client, model) -> tuple[int, int]:
    url = admin_url(model, "changelist")
    client.get(url)  # fill per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=REGISTERED_IDS)
def test_changelist_queries_do_not_grow_with_rows(admin_client, db, model, model_admin):
    make_row = MAKE_ROW[model._meta.label]
    for _ in range(5):
        make_row()
    few, few_rows = changelist_queries(admin_client, model)
    for _ in range(25):
        make_row()
    many, many_rows = changelist_queries(admin_client, model)
    assert many_rows >= few_rows + 25
    assert many == few


# --- Staff only ---------------------------------------------------------------


def test_non_staff_are_sent_to_log_in(client, user):
    for who in (None, user):
        if who:
            client.force_login(who)
        for url in (reverse("admin:index"), admin_url(Bookmark, "changelist")):
            response = client.get(url)
            assert response.status_code == 302
            assert response.url.startswith(reverse("admin:login"))
