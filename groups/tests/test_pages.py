import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from annotations.tests.factories import HighlightFactory
from bookmarks.tests.factories import BookmarkFactory, TagFactory
from groups.models import Group, GroupItem, Membership
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db

PAGES = ["/", "/groups/"]
PUBLIC = Group.Visibility.PUBLIC
PRIVATE = Group.Visibility.PRIVATE


def make_group(name, *, visibility=PUBLIC, slug=None, description="", owner=None) -> Group:
    return create_group(
        name=name,
        slug=slug or f"group-{Group.objects.count() + 1}",
        description=description,
        visibility=visibility,
        created_by=owner or UserFactory(),
    )


def share(group, title, *, user=None, tags=(), highlights=0) -> GroupItem:
    """A new bookmark by ``user`` (the group's creator by default), shared into the group."""
    user = user or group.created_by
    if not Membership.objects.filter(group=group, user=user).exists():
        add_member(group=group, user=user)
    bookmark = BookmarkFactory(user=user, title=title, tags=list(tags))
    for _ in range(highlights):
        HighlightFactory(bookmark=bookmark)
    return share_bookmark(bookmark=bookmark, group=group)


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


# --- With the demo content ---------------------------------------------------


@pytest.fixture
def demo():
    call_command("seed_demo", stdout=StringIO())


def test_home_shows_public_groups_and_recent_public_items(client, demo):
    html = page_text(client, "/")
    assert "Systems Reading 系統閱讀會" in html
    assert "字體與排版 Type Notes" in html
    newest = GroupItem.objects.filter(group__visibility=PUBLIC).order_by("-shared_at").first()
    assert newest.shares.first().bookmark.title in html
    assert "Night Shift" not in html


def test_group_list_shows_public_groups_with_counts(client, demo):
    html = page_text(client, "/groups/")
    group = Group.objects.get(slug="systems-reading")
    assert group.name in html
    assert f"{group.items.count()} items" in html
    assert f"{group.memberships.count()} members" in html
    # A unicode slug makes a working, percent-encoded link.
    assert 'href="/groups/%E5%AD%97%E9%AB%94%E6%8E%92%E7%89%88/"' in html
    assert "Night Shift" not in html


def test_the_private_demo_group_shows_only_to_its_members(client, demo):
    private = Group.objects.get(slug="night-shift")
    outsider = Group.objects.get(slug="systems-reading").members.exclude(
        pk__in=private.members.all()
    )[0]
    client.force_login(outsider)
    assert private.name not in page_text(client, "/groups/")
    client.force_login(private.members.first())
    assert private.name in page_text(client, "/groups/")


# --- Who sees a private group --------------------------------------------------


@pytest.fixture
def private_setup():
    """A public group with one item, a private group with one item and one member."""
    public = make_group("Open Table")
    share(public, "Notes anyone may read")
    private = make_group("Hidden Circle 密室", visibility=PRIVATE, description="Just us.")
    member = UserFactory()
    add_member(group=private, user=member)
    share(private, "Minutes of the closed meeting 會議記錄", user=member)
    return SimpleNamespace(private=private, member=member)


def assert_hidden(html):
    assert "Open Table" in html
    assert "Hidden Circle 密室" not in html
    assert "Minutes of the closed meeting" not in html


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_readers_never_see_a_private_group(client, private_setup, url):
    assert_hidden(page_text(client, url))


@pytest.mark.parametrize("url", PAGES)
def test_signed_in_non_members_never_see_a_private_group(client, private_setup, url):
    client.force_login(UserFactory())
    assert_hidden(page_text(client, url))


def test_members_see_their_private_group_and_its_items(client, private_setup):
    client.force_login(private_setup.member)
    home = page_text(client, "/")
    assert "Minutes of the closed meeting 會議記錄" in home
    assert "Hidden Circle 密室" in home
    groups = page_text(client, "/groups/")
    assert "Hidden Circle 密室" in groups
    assert "Private" in groups


@pytest.mark.parametrize("url", PAGES)
def test_a_former_member_no_longer_sees_the_private_group(client, private_setup, url):
    client.force_login(private_setup.member)
    assert "Hidden Circle 密室" in page_text(client, url)
    Membership.objects.filter(group=private_setup.private, user=private_setup.member).delete()
    assert_hidden(page_text(client, url))


# --- What the pages say --------------------------------------------------------


def test_group_list_counts_members_and_items_without_multiplying_them(client):
    group = make_group("Counting Club")
    for _ in range(2):
        add_member(group=group, user=UserFactory())
    share(group, "First")
    share(group, "Second")
    html = page_text(client, "/groups/")
    assert "3 members" in html
    assert "2 items" in html
    assert "Public" in html


def test_home_shows_sharer_date_tags_and_highlight_count(client):
    group = make_group("Readers")
    sharer = UserFactory(display_name="林 小雨")
    item = share(
        group, "A long read", user=sharer, tags=[TagFactory(name="分散式系統")], highlights=3
    )
    html = page_text(client, "/")
    assert "林 小雨" in html
    assert item.shared_at.strftime("%Y-%m-%d") in html
    assert "3 highlights" in html
    assert "/tags/%E5%88%86%E6%95%A3%E5%BC%8F%E7%B3%BB%E7%B5%B1/" in html
    assert re.search(r"\b1 item\b", html)


def test_item_titles_link_through_the_view_counter(client):
    item = share(make_group("Links", slug="links"), "Somewhere else")
    html = page_text(client, "/")
    visit = f"/groups/links/items/{item.pk}/visit/"
    assert f'<a href="{visit}" rel="nofollow noopener">Somewhere else</a>' in html


def test_an_item_url_that_is_not_http_never_becomes_a_link(rf: RequestFactory):
    # The database only holds http(s) pages; the page links through the view
    # counter anyway, which refuses anything else.
    request = rf.get("/")
    request.user = SimpleNamespace(is_authenticated=False, is_staff=False)
    item = SimpleNamespace(
        pk=1,
        title="Click me",
        page=SimpleNamespace(url="javascript:alert(1)"),
        group=SimpleNamespace(slug="g", name="G", is_public=True),
        shared_by=None,
        shared_at=timezone.now(),
        highlight_count=0,
        tags=SimpleNamespace(all=list),
    )
    html = render_to_string("home.html", {"groups": [], "items": [item]}, request=request)
    assert "Click me" in html
    assert "javascript:" not in html
    assert "a former member" in html


@pytest.mark.parametrize("url", PAGES)
def test_user_text_is_escaped(client, url):
    hostile = '<script>alert(1)</script> " onerror="x {{7*7}}'
    group = make_group(hostile, slug='evil"><b>x', description=hostile)
    share(group, hostile, tags=[TagFactory(name='"><img src=x onerror=alert(1)>')])
    html = page_text(client, url)
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '" onerror="x' not in html
    assert "&quot; onerror=&quot;x" in html
    assert "{{7*7}}" in html
    assert '"><b>' not in html
    assert "<img" not in html


def test_empty_site_says_so(client):
    home = page_text(client, "/")
    assert "No public groups yet." in home
    assert "Nothing has been shared yet." in home
    assert "No public groups yet." in page_text(client, "/groups/")


@pytest.mark.parametrize("page", ["abc", "0", "999"])
def test_group_list_clamps_a_bad_page_number(client, page):
    make_group("Only one")
    assert "Only one" in page_text(client, f"/groups/?page={page}")


def test_layout_is_accessible_and_translatable(client):
    html = page_text(client, "/")
    assert '<html lang="en"' in html
    assert 'name="viewport"' in html
    assert '<a class="skip-link" href="#main">Skip to main content</a>' in html
    assert '<main id="main"' in html
    assert "<nav" in html
    assert "/static/css/site.css" in html
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    assert '<html lang="zh-hant"' in chinese


def test_admin_link_is_for_staff_only(client):
    assert 'href="/admin/"' not in page_text(client, "/")
    client.force_login(UserFactory())
    assert 'href="/admin/"' not in page_text(client, "/")
    client.force_login(UserFactory(is_staff=True))
    assert 'href="/admin/"' in page_text(client, "/")


# --- Query counts ----------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        page_text(client, url)
    return len(queries)


def add_groups(count, reader):
    for index in range(count):
        visibility = PRIVATE if index % 2 else PUBLIC
        group = make_group(f"Group {index}", visibility=visibility)
        add_member(group=group, user=reader)
        add_member(group=group, user=UserFactory())
        share(group, f"Item of group {index}", tags=[TagFactory()], highlights=2)


def add_items(count, group):
    for index in range(count):
        share(group, f"Item {index}", user=UserFactory(), tags=[TagFactory()], highlights=2)


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("signed_in", [False, True])
def test_query_count_does_not_grow_with_groups(client, url, signed_in):
    reader = UserFactory()
    if signed_in:
        client.force_login(reader)
    add_groups(2, reader)
    few = count_queries(client, url)
    add_groups(10, reader)
    assert count_queries(client, url) == few
    assert few <= 6


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("signed_in", [False, True])
def test_query_count_does_not_grow_with_items(client, url, signed_in):
    reader = UserFactory()
    if signed_in:
        client.force_login(reader)
    group = make_group("Busy")
    add_items(3, group)
    few = count_queries(client, url)
    add_items(27, group)
    assert count_queries(client, url) == few
