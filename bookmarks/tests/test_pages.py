import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.tests.factories import HighlightFactory, NoteFactory
from bookmarks.models import Bookmark, Snapshot
from bookmarks.tests.factories import BookmarkFactory, PageFactory, SnapshotFactory, TagFactory
from groups.models import Group
from groups.services import add_member, create_group, share_bookmark

pytestmark = pytest.mark.django_db


def user_url(owner) -> str:
    return reverse("bookmarks:user", args=[owner.username])


def tag_url(owner, name) -> str:
    return reverse("bookmarks:user_tag", args=[owner.username, name])


def detail_url(bookmark) -> str:
    return reverse("bookmarks:detail", args=[bookmark.pk])


def page_text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def make_group(name, *, owner, visibility=Group.Visibility.PUBLIC) -> Group:
    return create_group(
        name=name,
        slug=f"group-{Group.objects.count() + 1}",
        visibility=visibility,
        created_by=owner,
    )


def populate(owner, *, bookmarks, highlights, notes, tags=()) -> list[Bookmark]:
    """``bookmarks`` bookmarks of ``owner``, each with ``highlights`` highlights
    carrying ``notes`` sticky notes each, in bulk."""
    now = timezone.now()
    made = [
        BookmarkFactory(user=owner, created_at=now - timedelta(minutes=b), tags=list(tags))
        for b in range(bookmarks)
    ]
    Highlight.objects.bulk_create(
        Highlight(bookmark=bookmark, quote=f"Passage {b}-{h}", ordinal=h)
        for b, bookmark in enumerate(made)
        for h in range(highlights)
    )
    Note.objects.bulk_create(
        Note(
            bookmark_id=highlight.bookmark_id, highlight=highlight, text=f"On {highlight.quote}/{n}"
        )
        for highlight in Highlight.objects.filter(bookmark__in=made)
        for n in range(notes)
    )
    return made


# --- The user page --------------------------------------------------------------


def test_user_page_lists_public_bookmarks_newest_first(client, user):
    now = timezone.now()
    BookmarkFactory(user=user, title="Older piece", created_at=now - timedelta(days=2))
    BookmarkFactory(user=user, title="Newer piece", created_at=now - timedelta(days=1))
    BookmarkFactory(title="Somebody else's piece")
    html = page_text(client, user_url(user))
    assert html.index("Newer piece") < html.index("Older piece")
    assert "Somebody else" not in html
    assert f"Bookmarks of {user.name}" in html


def test_user_page_shows_highlights_notes_description_date_and_tags(client, user):
    tag = TagFactory(name="reading")
    bookmark = BookmarkFactory(
        user=user,
        title="A long essay",
        description="Why I kept this one.",
        tags=[tag],
        created_at=timezone.now().replace(year=2024, month=3, day=12),
    )
    highlight = HighlightFactory(bookmark=bookmark, quote="The passage that mattered.")
    NoteFactory(bookmark=bookmark, highlight=highlight, text="Pinned to the passage.")
    NoteFactory(bookmark=bookmark, text="About the whole page.")
    html = page_text(client, user_url(user))
    assert f'href="{detail_url(bookmark)}"' in html
    assert f'href="{bookmark.url}"' in html
    assert "The passage that mattered." in html
    # The note sits inside its highlight's list entry, under the author's name.
    entry = re.search(r'<li class="highlight [^"]*">(.*?)</ul>', html, re.S).group(1)
    assert "Pinned to the passage." in entry
    assert f'<span class="note__author">{user.name}</span>: Pinned' in entry
    assert "About the whole page." in html
    assert "Why I kept this one." in html
    assert "saved on" in html and "12 Mar 24" in html
    assert f'href="{tag_url(user, "reading")}"' in html
    assert "No Cached" in html


def test_more_than_three_highlights_fold_into_details(client, user):
    four, five = BookmarkFactory(user=user), BookmarkFactory(user=user)
    for n in range(4):
        HighlightFactory(bookmark=four, quote=f"Four-{n}")
    for n in range(5):
        HighlightFactory(bookmark=five, quote=f"Five-{n}")
    html = page_text(client, user_url(user))
    assert "...1 more annotation..." in html
    assert "...2 more annotations..." in html
    details = re.findall(r'<details class="more-annotations">(.*?)</details>', html, re.S)
    assert len(details) == 2
    assert "Five-3" in "".join(details) and "Five-4" in "".join(details)
    assert "Five-2" not in "".join(details)


def test_unknown_user_is_404(client, db):
    assert client.get("/u/nobody-here/").status_code == 404
    assert client.get("/u/nobody-here/tags/anything/").status_code == 404


def test_a_user_with_nothing_public_has_an_empty_page(client, user):
    BookmarkFactory(user=user, title="Kept to myself", is_private=True)
    html = page_text(client, user_url(user))
    assert "No public bookmarks yet." in html
    assert "Kept to myself" not in html
    assert 'class="pagination"' not in html


@pytest.mark.parametrize("reader", ["anonymous", "stranger"])
def test_private_bookmarks_never_show_to_others(client, user, reader):
    tag = TagFactory(name="shared-tag")
    BookmarkFactory(user=user, title="Open notes", tags=[tag])
    BookmarkFactory(user=user, title="Secret plans", is_private=True, tags=[tag])
    if reader == "stranger":
        client.force_login(UserFactory())
    for url in (user_url(user), tag_url(user, "shared-tag")):
        html = page_text(client, url)
        assert "Open notes" in html
        assert "Secret plans" not in html
        assert "Private" not in html


def test_the_owner_sees_private_bookmarks_marked_private(client, user):
    tag = TagFactory(name="shared-tag")
    BookmarkFactory(user=user, title="Secret plans", is_private=True, tags=[tag])
    client.force_login(user)
    for url in (user_url(user), tag_url(user, "shared-tag")):
        html = page_text(client, url)
        assert "Secret plans" in html
        assert '<span class="badge badge--private">Private</span>' in html


def test_tag_cloud_counts_public_tags_and_the_owners_private_ones(client, user):
    public_tag, private_only = TagFactory(name="open-tag"), TagFactory(name="hidden-tag")
    BookmarkFactory(user=user, tags=[public_tag])
    BookmarkFactory(user=user, tags=[public_tag])
    BookmarkFactory(user=user, tags=[public_tag, private_only], is_private=True)
    BookmarkFactory(tags=[public_tag])  # another user's: never counted here
    html = page_text(client, user_url(user))
    assert 'open-tag <span class="tag__count">(2)</span>' in html
    assert "hidden-tag" not in html
    client.force_login(user)
    html = page_text(client, user_url(user))
    assert 'open-tag <span class="tag__count">(3)</span>' in html
    assert 'hidden-tag <span class="tag__count">(1)</span>' in html


def test_feed_autodiscovery_links_the_user_feeds(client, user):
    TagFactory(name="系統 設計")
    user_page = page_text(client, user_url(user))
    tag_page = page_text(client, tag_url(user, "系統 設計"))
    for html, names, args in [
        (user_page, ("feeds:user_rss", "feeds:user_atom"), [user.username]),
        (tag_page, ("feeds:user_tag_rss", "feeds:user_tag_atom"), [user.username, "系統 設計"]),
    ]:
        for name, kind in zip(names, ("rss", "atom"), strict=True):
            feed = reverse(name, args=args)
            assert re.search(
                rf'<link rel="alternate" type="application/{kind}\+xml" title="[^"]+" '
                rf'href="{re.escape(feed)}">',
                html,
            )


def test_pages_answer_get_and_head_only(client, user):
    bookmark = BookmarkFactory(user=user)
    for url in (user_url(user), detail_url(bookmark)):
        assert client.head(url).status_code == 200
        assert client.post(url).status_code == 405


# --- Pagination ------------------------------------------------------------------


def test_pagination_reads_page_and_size(client, user):
    populate(user, bookmarks=47, highlights=0, notes=0)
    html = page_text(client, user_url(user))
    assert "1 - 20 of 47" in html
    assert html.count('<article class="item"') == 20
    assert f'href="{user_url(user)}?page=2" rel="next"' in html
    assert f'href="{user_url(user)}?page=3">Last »' in html
    assert "« First" not in html
    html = page_text(client, user_url(user) + "?page=3")
    assert "41 - 47 of 47" in html
    assert "« First" in html and "‹ Prev" in html and "Next ›" not in html
    html = page_text(client, user_url(user) + "?per_page=50")
    assert "1 - 47 of 47" in html
    assert '<strong aria-current="true">50</strong>' in html


@pytest.mark.parametrize("page", ["x", "0", "999", "-1", "1.5", "", "２", "99999999999999999999"])
def test_bad_page_numbers_are_404(client, user, page):
    populate(user, bookmarks=3, highlights=0, notes=0)
    TagFactory(name="t")
    assert client.get(user_url(user), {"page": page}).status_code == 404
    assert client.get(tag_url(user, "t"), {"page": page}).status_code == 404


@pytest.mark.parametrize("per_page", ["abc", "7", "0", "-10", "1000", ""])
def test_bad_page_sizes_fall_back_to_twenty(client, user, per_page):
    populate(user, bookmarks=25, highlights=0, notes=0)
    html = page_text(client, user_url(user) + f"?per_page={per_page}")
    assert "1 - 20 of 25" in html


# --- The user tag page -----------------------------------------------------------


def test_tag_page_lists_only_that_tag(client, user):
    wanted, other = TagFactory(name="Kubernetes"), TagFactory(name="cooking")
    BookmarkFactory(user=user, title="Cluster notes", tags=[wanted])
    BookmarkFactory(user=user, title="Bread recipe", tags=[other])
    html = page_text(client, tag_url(user, "Kubernetes"))
    assert "Cluster notes" in html and "Bread recipe" not in html
    breadcrumb = re.search(r'<nav class="breadcrumb"(.*?)</nav>', html, re.S).group(1)
    assert "<ol>" in breadcrumb
    assert "Home" in breadcrumb and user.name in breadcrumb
    assert "Items tagged Kubernetes" in breadcrumb


def test_another_casing_redirects_to_the_stored_name(client, user):
    TagFactory(name="Kubernetes")
    response = client.get(tag_url(user, "KUBERNETES") + "?page=2&per_page=50")
    assert response.status_code == 301
    assert response["Location"] == tag_url(user, "Kubernetes") + "?page=2&per_page=50"
    response = client.get(tag_url(user, "kubernetes"))
    assert response.status_code == 301
    assert response["Location"] == tag_url(user, "Kubernetes")


def test_unknown_tag_is_404(client, user):
    assert client.get(tag_url(user, "never-used")).status_code == 404


def test_a_tag_nobody_public_uses_is_an_empty_page(client, user):
    tag = TagFactory(name="quiet")
    BookmarkFactory(user=user, tags=[tag], is_private=True)
    html = page_text(client, tag_url(user, "quiet"))
    assert "No bookmarks tagged quiet to show." in html


@pytest.mark.parametrize("name", ["系統設計", "machine learning", "日本語 メモ", "100%"])
def test_unicode_and_spaced_tags_have_working_percent_encoded_urls(client, user, name):
    tag = TagFactory(name=name)
    BookmarkFactory(user=user, title="Tagged piece", tags=[tag])
    encoded = f"/u/{user.username}/tags/{quote(name, safe='')}/"
    assert tag_url(user, name) == encoded
    html = page_text(client, user_url(user))
    assert f'href="{encoded}"' in html
    html = page_text(client, encoded)
    assert "Tagged piece" in html
    assert f"Items tagged {name}" in html


def test_tag_page_pagination_links_keep_the_encoded_tag(client, user):
    tag = TagFactory(name="系統 設計")
    populate(user, bookmarks=25, highlights=0, notes=0, tags=[tag])
    html = page_text(client, tag_url(user, "系統 設計"))
    assert "1 - 20 of 25" in html
    assert f'href="{tag_url(user, "系統 設計")}?page=2" rel="next"' in html


# --- The bookmark page -----------------------------------------------------------


def test_bookmark_page_shows_everything(client, user):
    tag = TagFactory(name="essays")
    bookmark = BookmarkFactory(user=user, title="Full view", description="My summary.", tags=[tag])
    for n in range(5):
        highlight = HighlightFactory(bookmark=bookmark, quote=f"Quote number {n}")
        NoteFactory(bookmark=bookmark, highlight=highlight, text=f"Note on {n}")
    NoteFactory(bookmark=bookmark, text="Whole-page note")
    html = page_text(client, detail_url(bookmark))
    for n in range(5):
        assert f"Quote number {n}" in html and f"Note on {n}" in html
    assert "more annotation" not in html  # nothing folded here
    assert "Whole-page note" in html and "My summary." in html
    assert f'href="{tag_url(user, "essays")}"' in html
    assert "saved by" in html and user.name in html
    assert "No Cached" in html


def test_bookmark_page_links_the_cached_copy_when_there_is_one(client, user):
    bookmark = BookmarkFactory(user=user)
    SnapshotFactory(page=bookmark.page, status=Snapshot.Status.PENDING)
    assert "No Cached" in page_text(client, detail_url(bookmark))
    ok = SnapshotFactory(page=bookmark.page, status=Snapshot.Status.OK, fetched_at=timezone.now())
    ok.html.name = "snapshots/abc.html"
    ok.save()
    html = page_text(client, detail_url(bookmark))
    assert f'href="/cached/{ok.pk}/"' in html
    assert "No Cached" not in html


def test_a_private_bookmark_page_is_404_to_strangers(client, user):
    bookmark = BookmarkFactory(user=user, title="Secret plans", is_private=True)
    assert client.get(detail_url(bookmark)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(detail_url(bookmark)).status_code == 404
    client.force_login(user)
    assert "Secret plans" in page_text(client, detail_url(bookmark))


def test_a_private_bookmark_shared_into_a_group_shows_to_its_members(client, user):
    group = make_group("Reading circle", owner=user, visibility=Group.Visibility.PRIVATE)
    member = UserFactory()
    add_member(group=group, user=member)
    bookmark = BookmarkFactory(user=user, title="Secret plans", is_private=True)
    share_bookmark(bookmark=bookmark, group=group)
    client.force_login(member)
    html = page_text(client, detail_url(bookmark))
    assert "Secret plans" in html and "Reading circle" in html
    client.force_login(UserFactory())
    assert client.get(detail_url(bookmark)).status_code == 404


def test_unknown_bookmark_is_404(client, db):
    assert client.get("/bookmarks/987654/").status_code == 404


def test_a_private_group_is_never_named_to_non_members(client, user):
    public = make_group("Open Table", owner=user)
    private = make_group("Hidden Circle 密室", owner=user, visibility=Group.Visibility.PRIVATE)
    bookmark = BookmarkFactory(user=user, title="Shared twice")
    share_bookmark(bookmark=bookmark, group=public)
    share_bookmark(bookmark=bookmark, group=private)
    for reader in (None, UserFactory()):
        if reader is not None:
            client.force_login(reader)
        html = page_text(client, detail_url(bookmark))
        assert "Open Table" in html
        assert "Hidden Circle" not in html
        assert private.slug not in html
    client.force_login(user)
    html = page_text(client, detail_url(bookmark))
    assert "Hidden Circle 密室" in html
    assert reverse("groups:item", args=[private.slug, private.items.get().pk]) in html


def test_bookmark_page_counts_group_views_with_plurals(client, user):
    group = make_group("Open Table", owner=user)
    bookmark = BookmarkFactory(user=user)
    item = share_bookmark(bookmark=bookmark, group=group)
    assert "0 views" in page_text(client, detail_url(bookmark))
    type(item).objects.filter(pk=item.pk).update(view_count=1)
    assert re.search(r"\b1 view\b(?!s)", page_text(client, detail_url(bookmark)))


# --- Hostile content -------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"


def test_hostile_content_shows_literally_everywhere(client):
    owner = UserFactory(display_name=f"{SCRIPT} {TEMPLATE}")
    tag = TagFactory(name=IMG)
    template_tag = TagFactory(name=TEMPLATE)
    bookmark = BookmarkFactory(
        user=owner,
        url="javascript:alert(1)",
        title=f"{SCRIPT} {IMG}",
        description=f"{SCRIPT} {TEMPLATE}",
        tags=[tag, template_tag],
    )
    highlight = HighlightFactory(bookmark=bookmark, quote=f"{IMG} {SCRIPT}")
    NoteFactory(bookmark=bookmark, highlight=highlight, text=f"{SCRIPT} note {IMG}")
    NoteFactory(bookmark=bookmark, text=f"{TEMPLATE} page note {SCRIPT}")
    for url in (user_url(owner), tag_url(owner, IMG), detail_url(bookmark)):
        html = page_text(client, url)
        assert SCRIPT not in html
        assert "<img" not in html
        assert "javascript:" not in html.lower()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
        assert TEMPLATE in html
        assert "note &lt;script&gt;" in html or "note &quot;&gt;" in html
        # The outbound link goes to the page's canonical http(s) URL instead.
        assert f'href="{bookmark.page.url}"' in html


def test_only_http_urls_become_outbound_links(client, user):
    BookmarkFactory(user=user, url="data:text/html,hello", page=PageFactory())
    BookmarkFactory(user=user, url="HTTPS://Example.org/Upper")
    html = page_text(client, user_url(user))
    assert 'href="data:' not in html
    assert 'href="HTTPS://Example.org/Upper"' in html


# --- Constant queries ------------------------------------------------------------


def count_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_run_the_same_queries_however_much_they_show(client, signed_in):
    tag = TagFactory(name="Busy")
    small_owner, big_owner = UserFactory(), UserFactory()
    (small,) = populate(small_owner, bookmarks=1, highlights=1, notes=1, tags=[tag])
    big = populate(big_owner, bookmarks=20, highlights=30, notes=3, tags=[tag])
    if signed_in:
        client.force_login(UserFactory())
    for small_url, big_url in [
        (user_url(small_owner), user_url(big_owner)),
        (tag_url(small_owner, "Busy"), tag_url(big_owner, "Busy")),
        (detail_url(small), detail_url(big[0])),
    ]:
        few, _ = count_queries(client, small_url)
        many, html = count_queries(client, big_url)
        assert few == many
        assert "Passage 0-29" in html  # the 30th highlight of the newest bookmark
        assert "On Passage 0-29/2" in html


def test_query_counts(client, user):
    """The numbers behind the constant: a regression here is a new query per page."""
    TagFactory(name="Busy")
    populate(user, bookmarks=3, highlights=2, notes=1, tags=[TagFactory(name="Busy2")])
    # user lookup, count, page, highlights, their notes, bookmark notes, tags, tag cloud
    assert count_queries(client, user_url(user))[0] == 8
    # ... plus the tag
    assert count_queries(client, tag_url(user, "Busy2"))[0] == 9
    # bookmark with highlights, their notes, bookmark notes, tags; then its
    # groups and its cached copies
    assert count_queries(client, detail_url(Bookmark.objects.first()))[0] == 7
