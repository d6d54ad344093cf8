"""Exports through the site: what the files hold, who may have them, and a
fixed number of queries per chunk however many rows and annotations."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from groups.models import Group
from groups.services import add_member, create_group, share_bookmark
from interchange import export

pytestmark = pytest.mark.django_db

WHEN = datetime(2022, 5, 6, 7, 8, 9, tzinfo=UTC)


def body(response) -> str:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def csv_rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


@pytest.fixture
def library(user):
    bookmark, _ = save_bookmark(
        user=user,
        url="https://example.org/a?x=1&y=2",
        title='Tom & Jerry <script>alert("x")</script>',
        description="Line one\nLine two & more",
        tag_names=["cartoons", "架構", 'say "hi"'],
        is_private=True,
        to_read=True,
        created_at=WHEN,
    )
    highlight = add_highlight(bookmark=bookmark, quote="a passage", colour="green")
    add_note(bookmark=bookmark, highlight=highlight, text="about the passage")
    add_note(bookmark=bookmark, text="=SUM(A1:A9)")
    other, _ = save_bookmark(user=user, url="https://example.org/b", title="+1 for this")
    save_bookmark(user=UserFactory(), url="https://example.org/not-mine", title="Not mine")
    return bookmark, other


def test_library_as_a_bookmark_file(client, user, library):
    client.force_login(user)
    response = client.get(reverse("export:library_html"))
    text = body(response)

    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="bookmarks-{user.username}.html"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "sandbox"
    assert text.startswith("<!DOCTYPE NETSCAPE-Bookmark-file-1>\n")
    assert (
        '    <DT><A HREF="https://example.org/a?x=1&amp;y=2" ADD_DATE="1651820889" '
        f'LAST_MODIFIED="{int(library[0].updated_at.timestamp())}" PRIVATE="1" TOREAD="1" '
        'TAGS="cartoons,say &quot;hi&quot;,架構">'
        'Tom &amp; Jerry &lt;script&gt;alert("x")&lt;/script&gt;</A>\n'
        "    <DD>Line one\nLine two &amp; more\n"
    ) in text
    assert 'PRIVATE="0" TOREAD="0" TAGS="">+1 for this</A>' in text
    assert "Not mine" not in text
    assert "<script>" not in text


def test_library_as_csv_with_annotations(client, user, library):
    client.force_login(user)
    response = client.get(reverse("export:library_csv"))
    rows = csv_rows(body(response))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert [row["url"] for row in rows] == [
        "https://example.org/b",
        "https://example.org/a?x=1&y=2",
    ]
    plus, first = rows
    assert plus["title"] == "'+1 for this"  # would run as a formula in a spreadsheet
    assert first["tags"] == 'cartoons,"say ""hi""",架構'
    assert first["annotations"] == (
        "Sticky notes: =SUM(A1:A9)\nHighlight: a passage\nSticky notes: about the passage"
    )
    assert (first["private"], first["to_read"], first["highlight_colours"]) == (
        "yes",
        "yes",
        "green",
    )
    assert first["created_at"] == "2022-05-06 07:08:09"


def test_one_tag_of_the_library(client, user, library):
    client.force_login(user)
    url = reverse("export:library_html")
    text = body(client.get(url, {"tag": "CARTOONS"}))
    assert "Tom &amp; Jerry" in text and "+1 for this" not in text
    assert client.get(url, {"tag": "nothing-like-it"}).status_code == 404
    response = client.get(url, {"tag": "架構"})
    assert response["Content-Disposition"].endswith(
        "filename*=utf-8''bookmarks-" + user.username + "-%E6%9E%B6%E6%A7%8B.html"
    )


def test_the_library_export_needs_sign_in(client):
    for name in ("export:index", "export:library_html", "export:library_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL) + "?next=")


def test_the_export_page(client, user):
    group = create_group(name="讀書會", slug="reading", created_by=user, visibility="private")
    client.force_login(user)
    response = client.get(reverse("export:index"))
    text = response.content.decode()
    assert response.status_code == 200
    assert reverse("export:library_csv") in text
    assert reverse("export:group_html", args=[group.slug]) in text
    assert '<label for="export-tag">' in text


@pytest.fixture
def groups(user):
    public = create_group(name="Open", slug="open", created_by=user, visibility="public")
    private = create_group(name="Closed", slug="closed", created_by=user, visibility="private")
    other = UserFactory()
    add_member(group=public, user=other)
    mine, _ = save_bookmark(
        user=user, url="https://example.org/shared", title="First sharer", is_private=True
    )
    theirs, _ = save_bookmark(
        user=other, url="https://example.org/shared", title="Second sharer", tag_names=["late"]
    )
    add_highlight(bookmark=mine, quote="mine")
    add_highlight(bookmark=theirs, quote="theirs")
    share_bookmark(bookmark=mine, group=public, shared_at=WHEN)
    share_bookmark(bookmark=theirs, group=public)
    secret, _ = save_bookmark(user=user, url="https://example.org/secret", title="Secret thing")
    share_bookmark(bookmark=secret, group=private)
    return public, private


def test_a_public_group_for_anyone(client, groups):
    public, _private = groups
    text = body(client.get(reverse("export:group_html", args=[public.slug])))
    assert 'HREF="https://example.org/shared"' in text and ">First sharer</A>" in text
    assert 'PRIVATE="0"' in text and "Secret thing" not in text
    rows = csv_rows(body(client.get(reverse("export:group_csv", args=[public.slug]))))
    assert rows[0]["annotations"] == "Highlight: mine\nHighlight: theirs"
    assert rows[0]["tags"] == "late"


@pytest.mark.parametrize("name", ["export:group_html", "export:group_csv"])
def test_a_private_group_is_404_but_to_members(client, groups, name):
    _public, private = groups
    url = reverse(name, args=[private.slug])
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    member = UserFactory()
    add_member(group=private, user=member)
    client.force_login(member)
    text = body(client.get(url))
    assert "Secret thing" in text
    if name.endswith("html"):
        assert 'PRIVATE="1"' in text


def test_one_tag_of_a_group(client, groups):
    public, _private = groups
    other, _ = save_bookmark(user=public.created_by, url="https://example.org/o", tag_names=["o"])
    share_bookmark(bookmark=other, group=public)
    url = reverse("export:group_html", args=[public.slug])
    text = body(client.get(url, {"tag": "LATE"}))
    assert "First sharer" in text and "example.org/o" not in text
    text = body(client.get(url, {"tag": "o"}))
    assert "First sharer" not in text and "example.org/o" in text
    assert client.get(url, {"tag": "no-such-tag"}).status_code == 404


# --- Queries ------------------------------------------------------------------


def queries_for(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        body(client.get(url, params))
    return len(captured)


def make_bookmarks(user, count: int, *, annotations: int) -> None:
    for n in range(count):
        bookmark, _ = save_bookmark(
            user=user,
            url=f"https://example.net/{user.pk}/{n}",
            title=f"Page {n}",
            tag_names=[f"t{k}" for k in range(annotations)],
        )
        for k in range(annotations):
            highlight = add_highlight(bookmark=bookmark, quote=f"passage {k}")
            add_note(bookmark=bookmark, highlight=highlight, text=f"note {k}")
            add_note(bookmark=bookmark, text=f"page note {k}")


@pytest.mark.parametrize(("name", "per_chunk"), [("library_html", 2), ("library_csv", 4)])
def test_library_queries_per_chunk_are_fixed(client, monkeypatch, name, per_chunk):
    monkeypatch.setattr(export, "EXPORT_CHUNK", 5)
    url = reverse(f"export:{name}")
    light, heavy = UserFactory(), UserFactory()
    make_bookmarks(light, 5, annotations=0)  # one chunk, unannotated
    make_bookmarks(heavy, 15, annotations=3)  # three chunks, everything annotated
    client.force_login(light)
    one = queries_for(client, url)
    client.force_login(heavy)
    three = queries_for(client, url)
    assert three - one == 2 * per_chunk
    # Streamed: a head, a part per chunk, a tail; never one whole file.
    assert len(list(client.get(url).streaming_content)) == (3 + 2 if "html" in name else 1 + 3)


@pytest.mark.parametrize(("name", "per_chunk"), [("group_html", 3), ("group_csv", 5)])
def test_group_queries_per_chunk_are_fixed(client, user, monkeypatch, name, per_chunk):
    monkeypatch.setattr(export, "EXPORT_CHUNK", 5)
    small = create_group(name="S", slug="small", created_by=user, visibility="public")
    large = create_group(name="L", slug="large", created_by=user, visibility="public")
    sharers = [UserFactory() for _ in range(3)]
    for sharer in sharers:
        add_member(group=small, user=sharer)
        add_member(group=large, user=sharer)
    for n in range(15):
        for sharer in sharers:
            bookmark, _ = save_bookmark(
                user=sharer, url=f"https://example.net/{n}", title=f"P{n}", tag_names=["x", "y"]
            )
            highlight = add_highlight(bookmark=bookmark, quote=f"q{sharer.pk}")
            add_note(bookmark=bookmark, highlight=highlight, text="n")
            share_bookmark(bookmark=bookmark, group=large)
            if n < 5 and sharer is sharers[0]:
                share_bookmark(bookmark=bookmark, group=small)
    one = queries_for(client, reverse(f"export:{name}", args=["small"]))
    three = queries_for(client, reverse(f"export:{name}", args=["large"]))
    assert Group.objects.count() == 2
    assert three - one == 2 * per_chunk
