"""The reader (a cached copy in a frame with its highlights beside it), the
frame variant of the cached copy, and the JSON endpoints its script writes
through. The browser side is in test_reader_browser.py."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.shortcuts import resolve_url
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.anchoring import anchor_highlight
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.models import Snapshot
from bookmarks.services import save_bookmark
from bookmarks.snapshot.pipeline import build_copy
from bookmarks.tests.pages import FakeWeb
from bookmarks.views import CACHED_COPY_CSP, CACHED_FRAME_CSP
from groups.models import Group, GroupNote, Membership
from groups.services import add_group_note, add_member
from groups.tests.conftest import Builder

pytestmark = pytest.mark.django_db

CAPTURED = datetime(2025, 2, 3, 4, 5, tzinfo=UTC)
ARTICLE = (
    "<!doctype html><html lang='en'><head><title>On queues</title></head><body>"
    "<h1>On queues</h1><p>A queue is a promise that work will wait.</p>"
    "<p>Back-pressure tells the producer to slow down.</p>"
    "<p>佇列是等待的承諾。</p></body></html>"
)


# --- Helpers (test_reader_browser and test_text_parity use them too) ----------


def store_copy(page, body: str | bytes, *, day: int = 0, charset: str | None = None) -> Snapshot:
    """A good snapshot of ``page`` made by the real pipeline from ``body``
    (bytes in ``charset``, or found as a browser would when None)."""
    if isinstance(body, str):
        body, charset = body.encode(), "utf-8"
    copy = build_copy(
        url=page.url,
        content_type="text/html",
        charset_header=charset,
        body=body,
        fetch_resource=FakeWeb({}),
    )
    snapshot = Snapshot.objects.create(
        page=page,
        status=Snapshot.Status.OK,
        fetched_at=CAPTURED + timedelta(days=day),
        content_type="text/html",
        text=copy.text,
        sha256=copy.sha256,
        size=copy.size,
    )
    snapshot.html.save(f"{copy.sha256}.html", ContentFile(copy.stored_bytes), save=True)
    return snapshot


def anchored(bookmark, snapshot: Snapshot, quote: str, **fields) -> Highlight:
    """A highlight of ``quote`` anchored to ``snapshot`` (by the anchoring module)."""
    highlight = add_highlight(bookmark=bookmark, quote=quote, **fields)
    anchor_highlight(highlight, snapshot).save()
    return highlight


def reader_data(response) -> dict:
    soup = BeautifulSoup(response.content, "lxml")
    return json.loads(soup.find("script", id="reader-data").string)


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


@pytest.fixture
def build(db):
    return Builder


@pytest.fixture
def article(user):
    """The user's public bookmark of a page with a cached copy."""
    bookmark, _ = save_bookmark(
        user=user, url="https://example.org/queues", title="On queues", snapshot=False
    )
    return bookmark, store_copy(bookmark.page, ARTICLE)


def private_item(build):
    b = build(visibility=Group.Visibility.PRIVATE, slug="night-shift", name="Night shift")
    item = b.item(url="https://example.org/queues", is_private=True)
    bookmark = item.shares.get().bookmark
    snapshot = store_copy(item.page, ARTICLE)
    return b, item, bookmark, snapshot


# --- The frame variant of the cached copy ------------------------------------


def directives(policy: str) -> dict[str, str]:
    return dict((part.strip() + " ").split(" ", 1) for part in policy.split(";"))


def test_the_frame_adds_only_same_origin_and_framing_by_our_own_pages(client, article):
    _, snapshot = article
    response = client.get(reverse("bookmarks:cached_frame", args=[snapshot.pk]))
    assert response.status_code == 200
    frame, standalone = directives(response["Content-Security-Policy"]), directives(CACHED_COPY_CSP)
    assert frame.pop("sandbox").split() == ["allow-same-origin"]
    assert frame.pop("frame-ancestors").strip() == "'self'"
    assert standalone.pop("sandbox").strip() == ""
    assert standalone.pop("frame-ancestors").strip() == "'none'"
    assert frame == standalone  # every other directive kept as it is
    assert "script-src" not in frame and "allow-scripts" not in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"] == CACHED_FRAME_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "private"
    assert response["Content-Type"] == "text/html; charset=utf-8"


def test_the_frame_is_the_stored_copy_without_the_banner(client, article):
    _, snapshot = article
    response = client.get(reverse("bookmarks:cached_frame", args=[snapshot.pk]))
    with snapshot.html.open("rb") as stored:
        assert response.content == stored.read()
    assert b"Cached copy of" not in response.content


def test_the_standalone_copy_is_unchanged(client, article):
    _, snapshot = article
    response = client.get(reverse("bookmarks:cached", args=[snapshot.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == (
        "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline' data:; "
        "font-src data:; media-src data:; form-action 'none'; base-uri 'none'; "
        "frame-ancestors 'none'"
    )
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "no-referrer"
    assert b"Cached copy of" in response.content


def test_a_file_copy_has_no_frame(client, user):
    bookmark, _ = save_bookmark(user=user, url="https://example.org/paper.pdf", snapshot=False)
    snapshot = Snapshot.objects.create(
        page=bookmark.page, status="ok", content_type="application/pdf", fetched_at=CAPTURED
    )
    snapshot.html.save("paper.pdf", ContentFile(b"%PDF-1.4"), save=True)
    assert client.get(reverse("bookmarks:cached_frame", args=[snapshot.pk])).status_code == 404
    # The reader says so and offers the download instead of a frame.
    response = client.get(reverse("annotations:read_bookmark", args=[bookmark.pk]))
    assert response.status_code == 200
    assert b"<iframe" not in response.content
    assert b"can be downloaded" in response.content


def test_the_frame_only_answers_get_and_head(client, article):
    _, snapshot = article
    url = reverse("bookmarks:cached_frame", args=[snapshot.pk])
    assert client.head(url).status_code == 200
    assert client.post(url).status_code == 405


@pytest.mark.parametrize("who", ["anonymous", "stranger", "former member"])
def test_a_private_groups_copy_frame_and_reader_are_404_to_outsiders(client, build, who):
    b, item, bookmark, snapshot = private_item(build)
    former = UserFactory()
    add_member(group=b.group, user=former)
    Membership.objects.filter(user=former).delete()
    if who == "stranger":
        client.force_login(UserFactory())
    elif who == "former member":
        client.force_login(former)
    for url in (
        reverse("bookmarks:cached_frame", args=[snapshot.pk]),
        reverse("annotations:read_item", args=[b.group.slug, item.pk]),
        reverse("annotations:read_bookmark", args=[bookmark.pk]),
    ):
        assert client.get(url).status_code == 404, url
    client.force_login(b.member)
    for url in (
        reverse("bookmarks:cached_frame", args=[snapshot.pk]),
        reverse("annotations:read_item", args=[b.group.slug, item.pk]),
        reverse("annotations:read_bookmark", args=[bookmark.pk]),
    ):
        assert client.get(url).status_code == 200, url


# --- The reader page ----------------------------------------------------------


def test_the_reader_frames_the_copy_and_lists_highlights_in_page_order(client, article):
    bookmark, snapshot = article
    later = anchored(bookmark, snapshot, "tells the producer", colour="blue")
    earlier = anchored(bookmark, snapshot, "A queue is a promise")
    gone = add_highlight(bookmark=bookmark, quote="This sentence was never on the page.")
    client.force_login(bookmark.user)
    response = client.get(reverse("annotations:read_bookmark", args=[bookmark.pk]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "lxml")
    frame = soup.find("iframe", id="reader-frame")
    assert frame["sandbox"] == ["allow-same-origin"]  # and nothing else
    assert frame["src"] == reverse("bookmarks:cached_frame", args=[snapshot.pk])
    assert frame["title"]
    placed = soup.select(".reader-entries:not(.reader-entries--orphans) > li")
    assert [li["data-highlight"] for li in placed] == [str(earlier.pk), str(later.pk)]
    (orphan,) = soup.select(".reader-entries--orphans > li")
    assert orphan["data-highlight"] == str(gone.pk)
    assert "never on the page" in orphan.get_text()
    assert soup.find(id="reader-orphans-heading").get_text() == "Not found in this copy"

    data = reader_data(response)
    text = snapshot.text
    assert data["snapshot"] == snapshot.pk
    assert data["create"] == reverse("annotations:api_highlight_add", args=[bookmark.pk])
    assert [h["id"] for h in data["highlights"]] == [earlier.pk, later.pk]
    for painted in data["highlights"]:
        assert text[painted["start"] : painted["end"]] == painted["exact"]
    assert data["highlights"][1]["colour"] == "blue"
    # The script and its stylesheet, and the words it shows, translated here.
    assert soup.find("script", src=lambda src: src and src.endswith("js/reader.js"))
    assert soup.find("link", href=lambda href: href and href.endswith("css/reader.css"))
    strings = json.loads(soup.find("script", id="reader-strings").string)
    assert strings["saved"] == "Highlight saved."


def test_offsets_are_code_points_beyond_the_basic_plane(client, user):
    bookmark, _ = save_bookmark(user=user, url="https://example.org/astral", snapshot=False)
    snapshot = store_copy(bookmark.page, "<p>𠀋𠀋 emoji 😀 then the passage 𩸽 here</p>")
    highlight = anchored(bookmark, snapshot, "the passage 𩸽")
    client.force_login(user)
    data = reader_data(client.get(reverse("annotations:read_bookmark", args=[bookmark.pk])))
    (painted,) = data["highlights"]
    assert painted["id"] == highlight.pk
    assert painted["start"] == snapshot.text.index("the passage") == 16
    assert painted["exact"] == "the passage 𩸽"


def test_a_highlight_moves_with_a_changed_copy(client, article):
    bookmark, snapshot = article
    highlight = anchored(bookmark, snapshot, "Back-pressure")
    old_start = Highlight.objects.get(pk=highlight.pk).start
    newer = store_copy(
        bookmark.page, ARTICLE.replace("<h1>", "<p>An introduction was added.</p><h1>"), day=1
    )
    data = reader_data(client.get(reverse("annotations:read_bookmark", args=[bookmark.pk])))
    assert data["snapshot"] == newer.pk
    (painted,) = data["highlights"]
    assert painted["start"] > old_start
    assert newer.text[painted["start"] : painted["end"]] == "Back-pressure"


def test_there_is_no_reader_without_a_cached_copy(client, user):
    bookmark, _ = save_bookmark(user=user, url="https://example.org/uncached", snapshot=False)
    assert client.get(reverse("annotations:read_bookmark", args=[bookmark.pk])).status_code == 404
    response = client.get(reverse("bookmarks:detail", args=[bookmark.pk]))
    assert b"Read and annotate" not in response.content


def test_a_private_bookmarks_reader_is_its_owners(client, user):
    bookmark, _ = save_bookmark(user=user, url="https://example.org/mine", is_private=True)
    store_copy(bookmark.page, ARTICLE)
    url = reverse("annotations:read_bookmark", args=[bookmark.pk])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(user)
    assert client.get(url).status_code == 200


def test_bookmark_and_item_pages_link_to_the_reader(client, build):
    b = build()
    item = b.item(url="https://example.org/queues")
    bookmark = item.shares.get().bookmark
    store_copy(item.page, ARTICLE)
    detail = client.get(reverse("bookmarks:detail", args=[bookmark.pk]))
    soup = BeautifulSoup(detail.content, "lxml")
    link = soup.find("a", string="Read and annotate")
    assert link["href"] == reverse("annotations:read_bookmark", args=[bookmark.pk])
    item_page = client.get(reverse("groups:item", args=[b.group.slug, item.pk]))
    soup = BeautifulSoup(item_page.content, "lxml")
    link = soup.find("a", string="Read and annotate")
    assert link["href"] == reverse("annotations:read_item", args=[b.group.slug, item.pk])


def test_without_javascript_the_owner_gets_the_ordinary_forms(client, article):
    bookmark, snapshot = article
    highlight = anchored(bookmark, snapshot, "A queue is a promise")
    note = add_note(bookmark=bookmark, highlight=highlight, text="Pin this one.")
    client.force_login(bookmark.user)
    reader_url = reverse("annotations:read_bookmark", args=[bookmark.pk])
    soup = BeautifulSoup(client.get(reader_url).content, "lxml")
    actions = {form["action"]: form for form in soup.select("#reader-panel form")}
    expected = {
        reverse("annotations:highlight_colour", args=[highlight.pk]): "api_highlight_colour",
        reverse("annotations:highlight_delete", args=[highlight.pk]): "api_highlight_delete",
        reverse("annotations:note_add", args=[bookmark.pk]): None,
        reverse("annotations:note_edit", args=[note.pk]): "api_note_edit",
        reverse("annotations:note_delete", args=[note.pk]): "api_note_delete",
        reverse("annotations:highlight_add", args=[bookmark.pk]): None,
    }
    assert set(expected) <= set(actions)
    for action, api_name in expected.items():
        form = actions[action]
        assert form["method"] == "post"
        assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
        assert form.find("input", attrs={"name": "next"})["value"] == reader_url
        if api_name:
            arg = note.pk if "note" in api_name else highlight.pk
            assert form["data-api"] == reverse(f"annotations:{api_name}", args=[arg])
    # Every control has a label.
    for control in soup.select("#reader-panel textarea, #reader-panel select"):
        assert soup.find("label", attrs={"for": control["id"]}), control
    # Posting the colour form the ordinary way comes back to the reader.
    response = client.post(
        reverse("annotations:highlight_colour", args=[highlight.pk]),
        {"colour": "pink", "next": reader_url},
    )
    assert response.status_code == 302 and response["Location"] == reader_url


def test_someone_elses_reader_shows_no_controls(client, article):
    bookmark, snapshot = article
    anchored(bookmark, snapshot, "A queue is a promise")
    client.force_login(UserFactory())
    response = client.get(reverse("annotations:read_bookmark", args=[bookmark.pk]))
    soup = BeautifulSoup(response.content, "lxml")
    assert soup.select("#reader-panel .reader-entry")
    assert not soup.select("#reader-panel form")
    assert not soup.find(id="reader-toolbar")
    assert reader_data(response)["create"] is None


def test_a_group_reader_shows_discussion_and_the_controls_each_role_allows(client, build):
    b = build()
    item = b.item(url="https://example.org/queues")
    bookmark = item.shares.get().bookmark
    snapshot = store_copy(item.page, ARTICLE)
    highlight = anchored(bookmark, snapshot, "A queue is a promise")
    add_note(bookmark=bookmark, highlight=highlight, text="The sharer's own note.")
    mine = add_group_note(item=item, author=b.member, highlight=highlight, text="Member's reply.")
    url = reverse("annotations:read_item", args=[b.group.slug, item.pk])

    client.force_login(b.member)  # a member who did not share the page
    soup = BeautifulSoup(client.get(url).content, "lxml")
    text = soup.find(id="reader-panel").get_text(" ")
    assert "The sharer's own note." in text and "Member's reply." in text
    assert "Mei Chen" in text and "張 旭" in text
    assert soup.find("time", attrs={"datetime": mine.created_at.isoformat()})
    apis = [form["data-api"] for form in soup.select("#reader-panel form[data-api]")]
    assert apis == [
        reverse("annotations:api_group_note_edit", args=[b.group.slug, item.pk, mine.pk]),
        reverse("annotations:api_group_note_delete", args=[b.group.slug, item.pk, mine.pk]),
        reverse("annotations:api_group_note_add", args=[b.group.slug, item.pk]),
    ]
    assert not soup.find(id="reader-toolbar")  # highlighting needs a share of one's own

    client.force_login(b.owner)  # the sharer and the group's owner
    soup = BeautifulSoup(client.get(url).content, "lxml")
    apis = [form["data-api"] for form in soup.select("#reader-panel form[data-api]")]
    assert reverse("annotations:api_highlight_colour", args=[highlight.pk]) in apis
    note_args = [b.group.slug, item.pk, mine.pk]
    assert reverse("annotations:api_group_note_delete", args=note_args) in apis
    assert reverse("annotations:api_group_note_edit", args=note_args) not in apis
    assert soup.find(id="reader-toolbar")

    client.force_login(UserFactory())  # a reader of a public group, not a member
    soup = BeautifulSoup(client.get(url).content, "lxml")
    assert "Member's reply." in soup.get_text()
    assert not soup.select("#reader-panel form")


def test_the_reader_costs_the_same_queries_for_one_highlight_or_ninety(client, build):
    def item_with(highlights: int, notes: int, discussion: int, n: int):
        b = build(slug=f"reading-{n}")
        item = b.item(url=f"https://example.org/long/{n}")
        bookmark = item.shares.get().bookmark
        snapshot = store_copy(item.page, ARTICLE)
        for h in range(highlights):
            highlight = anchored(bookmark, snapshot, "A queue is a promise" if h % 2 else "佇列")
            for k in range(notes):
                add_note(bookmark=bookmark, highlight=highlight, text=f"note {k}")
            for k in range(discussion):
                add_group_note(item=item, author=b.member, highlight=highlight, text=f"reply {k}")
        add_highlight(bookmark=bookmark, quote="an orphan, not in the copy")
        return b, item, bookmark

    counts = []
    for n, shape in enumerate([(1, 0, 0), (90, 3, 2)]):
        b, item, bookmark = item_with(*shape, n)
        for url, reader in (
            # The sharer and group owner: every control; a member; someone else.
            (reverse("annotations:read_item", args=[b.group.slug, item.pk]), b.owner),
            (reverse("annotations:read_item", args=[b.group.slug, item.pk]), b.member),
            (reverse("annotations:read_bookmark", args=[bookmark.pk]), b.owner),
            (reverse("annotations:read_bookmark", args=[bookmark.pk]), b.member),
        ):
            client.force_login(reader)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[:4] == counts[4:], counts
    assert max(counts) <= 14, counts


# --- The JSON endpoints -------------------------------------------------------


def selection(snapshot: Snapshot, exact: str, *, colour="green", occurrence=0) -> dict:
    start = -1
    for _ in range(occurrence + 1):
        start = snapshot.text.index(exact, start + 1)
    end = start + len(exact)
    return {
        "exact": exact,
        "prefix": snapshot.text[max(0, start - 32) : start],
        "suffix": snapshot.text[end : end + 32],
        "start": start,
        "end": end,
        "snapshot": snapshot.pk,
        "colour": colour,
    }


def test_a_selection_becomes_a_highlight_anchored_to_the_copy(client, article):
    bookmark, snapshot = article
    client.force_login(bookmark.user)
    body = selection(snapshot, "tells the producer")
    response = post_json(client, reverse("annotations:api_highlight_add", args=[bookmark.pk]), body)
    assert response.status_code == 201, response.content
    answer = response.json()["highlight"]
    highlight = Highlight.objects.get(pk=answer["id"])
    assert (highlight.bookmark, highlight.quote, highlight.colour) == (
        bookmark,
        "tells the producer",
        "green",
    )
    assert (highlight.start, highlight.end) == (body["start"], body["end"])
    assert (highlight.prefix, highlight.suffix) == (body["prefix"], body["suffix"])
    assert highlight.snapshot == snapshot
    assert highlight.anchor_state == Highlight.AnchorState.ANCHORED
    assert answer["start"] == body["start"] and answer["snapshot"] == snapshot.pk


def test_offsets_sent_in_code_points_are_kept(client, user):
    bookmark, _ = save_bookmark(user=user, url="https://example.org/astral", snapshot=False)
    snapshot = store_copy(bookmark.page, "<p>𠀋 first 😀 then 𩸽 the passage</p>")
    client.force_login(user)
    body = selection(snapshot, "𩸽 the")
    assert body["start"] == 15  # code points: 19 UTF-16 units
    response = post_json(client, reverse("annotations:api_highlight_add", args=[bookmark.pk]), body)
    assert response.status_code == 201
    assert Highlight.objects.get().start == 15


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exact": "Not a passage of this copy"}, "exact"),
        ({"exact": "   "}, "exact"),
        ({"prefix": "x" * 33}, "prefix"),
        ({"start": 10, "end": 10}, "end"),
        ({"start": -1}, "start"),
        ({"colour": "purple"}, "colour"),
        ({"snapshot": "many"}, "snapshot"),
    ],
)
def test_a_bad_selection_is_a_400_naming_the_field(client, article, change, field):
    bookmark, snapshot = article
    client.force_login(bookmark.user)
    body = {**selection(snapshot, "A queue is"), **change}
    response = post_json(client, reverse("annotations:api_highlight_add", args=[bookmark.pk]), body)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert field in response.json()["fields"] and response.json()["error"]
    assert not Highlight.objects.exists()


def test_a_copy_of_another_page_is_refused(client, article, user):
    bookmark, _ = article
    other, _ = save_bookmark(user=user, url="https://example.org/other", snapshot=False)
    elsewhere = store_copy(other.page, ARTICLE)
    client.force_login(user)
    body = selection(elsewhere, "A queue is")
    response = post_json(client, reverse("annotations:api_highlight_add", args=[bookmark.pk]), body)
    assert response.status_code == 400 and "snapshot" in response.json()["fields"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("not json", "application/json"), ("[1, 2]", "application/json"), ("exact=x", "text/plain")],
)
def test_a_body_that_is_not_a_json_object_is_a_400(client, article, body, content_type):
    bookmark, _ = article
    client.force_login(bookmark.user)
    url = reverse("annotations:api_highlight_add", args=[bookmark.pk])
    response = client.post(url, body, content_type=content_type)
    assert response.status_code == 400 and response.json()["error"]


def test_someone_elses_bookmark_is_a_403_and_a_hidden_one_a_404(client, article, build):
    bookmark, snapshot = article
    client.force_login(UserFactory())
    body = selection(snapshot, "A queue is")
    response = post_json(client, reverse("annotations:api_highlight_add", args=[bookmark.pk]), body)
    assert response.status_code == 403 and response.json()["error"]
    _, _, hidden, hidden_snapshot = private_item(build)
    url = reverse("annotations:api_highlight_add", args=[hidden.pk])
    response = post_json(client, url, selection(hidden_snapshot, "A queue is"))
    assert response.status_code == 404 and response.json()["error"]
    assert client.post(url, "{}", content_type="application/json").status_code == 404


def test_colour_delete_and_sticky_notes_through_the_api(client, article):
    bookmark, snapshot = article
    highlight = anchored(bookmark, snapshot, "A queue is a promise")
    client.force_login(bookmark.user)

    url = reverse("annotations:api_highlight_colour", args=[highlight.pk])
    response = post_json(client, url, {"colour": "pink"})
    assert response.status_code == 200 and response.json()["highlight"]["colour"] == "pink"
    assert post_json(client, url, {"colour": "mauve"}).status_code == 400

    url = reverse("annotations:api_note_add", args=[highlight.pk])
    response = post_json(client, url, {"text": "Read this twice."})
    assert response.status_code == 201
    note = Note.objects.get(pk=response.json()["note"]["id"])
    assert (note.highlight, note.bookmark, note.text) == (highlight, bookmark, "Read this twice.")
    assert response.json()["note"]["author"] == bookmark.user.name
    assert post_json(client, url, {"text": "  "}).status_code == 400

    url = reverse("annotations:api_note_edit", args=[note.pk])
    assert post_json(client, url, {"text": "Read it once more."}).status_code == 200
    assert Note.objects.get(pk=note.pk).text == "Read it once more."

    other = UserFactory()
    client.force_login(other)
    assert post_json(client, url, {"text": "mine now"}).status_code == 403
    delete = reverse("annotations:api_highlight_delete", args=[highlight.pk])
    assert post_json(client, delete, {}).status_code == 403

    client.force_login(bookmark.user)
    response = post_json(client, reverse("annotations:api_note_delete", args=[note.pk]), {})
    assert response.status_code == 204
    assert not Note.objects.exists()
    add_note(bookmark=bookmark, highlight=highlight, text="goes with it")
    assert post_json(client, delete, {}).status_code == 204
    assert not Highlight.objects.exists() and not Note.objects.exists()
    assert post_json(client, delete, {}).status_code == 404


def test_group_discussion_through_the_api(client, build):
    b = build()
    item = b.item(url="https://example.org/queues")
    bookmark = item.shares.get().bookmark
    snapshot = store_copy(item.page, ARTICLE)
    highlight = anchored(bookmark, snapshot, "A queue is a promise")
    elsewhere = b.item(url="https://example.org/elsewhere", highlights=1)
    slug = b.group.slug
    add = reverse("annotations:api_group_note_add", args=[slug, item.pk])

    client.force_login(b.member)
    response = post_json(client, add, {"text": "我同意。", "highlight": highlight.pk})
    assert response.status_code == 201
    note = GroupNote.objects.get(pk=response.json()["note"]["id"])
    assert (note.item, note.highlight, note.author) == (item, highlight, b.member)
    assert response.json()["note"]["author"] == "Mei Chen"
    other_highlight = elsewhere.shares.get().bookmark.highlights.get()
    response = post_json(client, add, {"text": "wrong item", "highlight": other_highlight.pk})
    assert response.status_code == 404
    assert post_json(client, add, {"text": ""}).status_code == 400

    edit = reverse("annotations:api_group_note_edit", args=[slug, item.pk, note.pk])
    delete = reverse("annotations:api_group_note_delete", args=[slug, item.pk, note.pk])
    assert post_json(client, edit, {"text": "我完全同意。"}).status_code == 200
    assert GroupNote.objects.get(pk=note.pk).text == "我完全同意。"

    client.force_login(UserFactory())  # can read a public group, is not in it
    assert post_json(client, add, {"text": "let me in"}).status_code == 403
    assert post_json(client, edit, {"text": "mine"}).status_code == 403
    assert post_json(client, delete, {}).status_code == 403

    client.force_login(b.owner)  # the owner moderates: may delete, not edit
    assert post_json(client, edit, {"text": "owner's words"}).status_code == 403
    assert post_json(client, delete, {}).status_code == 204
    assert not GroupNote.objects.exists()
    # A note of another item, reached through this item's address, is not there.
    theirs = add_group_note(item=elsewhere, author=b.member, text="elsewhere")
    url = reverse("annotations:api_group_note_delete", args=[slug, item.pk, theirs.pk])
    assert post_json(client, url, {}).status_code == 404


def test_a_private_groups_discussion_api_is_404_to_outsiders(client, build):
    b, item, bookmark, snapshot = private_item(build)
    highlight = anchored(bookmark, snapshot, "A queue is a promise")
    note = add_group_note(item=item, author=b.member, highlight=highlight, text="inside")
    slug = b.group.slug
    client.force_login(UserFactory())
    for url, body in (
        (reverse("annotations:api_group_note_add", args=[slug, item.pk]), {"text": "x"}),
        (reverse("annotations:api_group_note_edit", args=[slug, item.pk, note.pk]), {"text": "x"}),
        (reverse("annotations:api_group_note_delete", args=[slug, item.pk, note.pk]), {}),
        (reverse("annotations:api_highlight_colour", args=[highlight.pk]), {"colour": "blue"}),
        (reverse("annotations:api_note_add", args=[highlight.pk]), {"text": "x"}),
    ):
        response = post_json(client, url, body)
        assert response.status_code == 404, url
        assert response.json()["error"]
    assert GroupNote.objects.get().text == "inside"


def test_the_api_needs_the_csrf_token_in_its_header(article):
    bookmark, snapshot = article
    client = Client(enforce_csrf_checks=True)
    client.force_login(bookmark.user)
    reader = client.get(reverse("annotations:read_bookmark", args=[bookmark.pk]))
    soup = BeautifulSoup(reader.content, "lxml")
    token = soup.find("input", attrs={"name": "csrfmiddlewaretoken"})
    url = reverse("annotations:api_highlight_add", args=[bookmark.pk])
    body = selection(snapshot, "A queue is")
    assert post_json(client, url, body).status_code == 403
    assert not Highlight.objects.exists()
    response = post_json(client, url, body, HTTP_X_CSRFTOKEN=token["value"])
    assert response.status_code == 201


def test_the_api_refuses_get_and_anonymous_people(client, article):
    bookmark, _ = article
    url = reverse("annotations:api_highlight_add", args=[bookmark.pk])
    response = post_json(client, url, {})
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    client.force_login(bookmark.user)
    assert client.get(url).status_code == 405
