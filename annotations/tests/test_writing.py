"""Highlights and sticky notes by form on one's own bookmark page.

Who may call each endpoint (anonymous, strangers, group readers, the owner)
is tried for every endpoint in bookmarks/tests/test_writing_access.py; here
is what each one does, and the IDOR cases: another person's ids posted to
one's own endpoints."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.models import Highlight, Note
from annotations.services import add_highlight, add_note
from bookmarks.models import Bookmark
from bookmarks.services import save_bookmark

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
IMG = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def bookmark(user) -> Bookmark:
    bookmark, _ = save_bookmark(user=user, url="https://example.org/essay", title="Essay")
    return bookmark


@pytest.fixture
def highlight(bookmark) -> Highlight:
    return add_highlight(bookmark=bookmark, quote="A passage", colour="green")


def page_url(bookmark) -> str:
    return reverse("bookmarks:detail", args=[bookmark.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Highlights ---------------------------------------------------------------


def test_adding_a_highlight(signed_in, bookmark):
    add_highlight(bookmark=bookmark, quote="First")
    response = signed_in.post(
        reverse("annotations:highlight_add", args=[bookmark.pk]),
        {"quote": "  東京の建築は面白い。\nSecond line  ", "colour": "blue"},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(bookmark)
    assert messages_of(response) == ["Highlight added."]
    highlight = bookmark.highlights.order_by("ordinal").last()
    assert highlight.quote == "東京の建築は面白い。\nSecond line"
    assert highlight.colour == "blue"
    assert highlight.ordinal == 1
    # Anchoring comes later, with snapshots.
    assert highlight.anchor_state == Highlight.AnchorState.UNANCHORED
    assert (highlight.prefix, highlight.suffix, highlight.start, highlight.end) == (
        "",
        "",
        None,
        None,
    )
    assert highlight.snapshot is None


def test_a_highlight_is_yellow_unless_chosen(signed_in, bookmark):
    signed_in.post(reverse("annotations:highlight_add", args=[bookmark.pk]), {"quote": "Q"})
    assert bookmark.highlights.get().colour == "yellow"


@pytest.mark.parametrize("quote", ["", "   ", "\n\t "])
def test_an_empty_passage_is_a_form_error(signed_in, bookmark, quote):
    response = signed_in.post(
        reverse("annotations:highlight_add", args=[bookmark.pk]), {"quote": quote}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Paste the passage to highlight." in body
    assert 'id="id_quote_error"' in body
    assert not Highlight.objects.exists()


def test_a_bad_colour_is_a_form_error_with_the_passage_kept(signed_in, bookmark):
    response = signed_in.post(
        reverse("annotations:highlight_add", args=[bookmark.pk]),
        {"quote": "Keep this text", "colour": "purple", "next": "/bookmarks/"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_colour_error"' in body
    assert "Keep this text</textarea>" in body
    assert 'name="next" value="/bookmarks/"' in body
    assert not Highlight.objects.exists()


def test_changing_the_colour(signed_in, highlight):
    response = signed_in.post(
        reverse("annotations:highlight_colour", args=[highlight.pk]),
        {"colour": "pink", "next": "/bookmarks/?tag=x"},
    )
    assert response["Location"] == "/bookmarks/?tag=x"
    highlight.refresh_from_db()
    assert highlight.colour == "pink"


def test_a_bad_colour_change_is_a_form_error(signed_in, highlight):
    response = signed_in.post(
        reverse("annotations:highlight_colour", args=[highlight.pk]), {"colour": "red"}
    )
    assert response.status_code == 200
    assert 'id="id_colour_error"' in response.content.decode()
    highlight.refresh_from_db()
    assert highlight.colour == "green"


def test_deleting_a_highlight_deletes_its_notes_only(signed_in, bookmark, highlight):
    add_note(bookmark=bookmark, highlight=highlight, text="on it")
    other = add_highlight(bookmark=bookmark, quote="Stays")
    kept = add_note(bookmark=bookmark, highlight=other, text="on the other")
    page_note = add_note(bookmark=bookmark, text="on the page")
    response = signed_in.post(reverse("annotations:highlight_delete", args=[highlight.pk]))
    assert response["Location"] == page_url(bookmark)
    assert list(Highlight.objects.all()) == [other]
    assert set(Note.objects.all()) == {kept, page_note}


# --- Sticky notes -------------------------------------------------------------


def test_a_note_on_the_whole_bookmark(signed_in, bookmark):
    response = signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]), {"text": "Worth rereading"}
    )
    assert response["Location"] == page_url(bookmark)
    note = Note.objects.get()
    assert (note.bookmark, note.highlight, note.text) == (bookmark, None, "Worth rereading")


def test_a_note_on_a_highlight(signed_in, bookmark, highlight):
    signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]),
        {"text": "Agreed", "highlight": highlight.pk},
    )
    assert Note.objects.get().highlight == highlight


@pytest.mark.parametrize("text", ["", "  ", "\r\n"])
def test_an_empty_note_is_a_form_error(signed_in, bookmark, highlight, text):
    response = signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]),
        {"text": text, "highlight": highlight.pk},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Write the note first." in body
    assert f'name="highlight" value="{highlight.pk}"' in body  # kept for the retry
    assert not Note.objects.exists()


def test_a_note_on_someone_elses_highlight_is_refused(signed_in, bookmark):
    """IDOR: one's own bookmark in the URL, another person's highlight id posted."""
    theirs, _ = save_bookmark(user=UserFactory(), url="https://example.org/essay")
    their_highlight = add_highlight(bookmark=theirs, quote="Theirs")
    response = signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]),
        {"text": "Sneaky", "highlight": their_highlight.pk},
    )
    assert response.status_code == 200
    assert "That highlight is not on this bookmark." in response.content.decode()
    assert not Note.objects.exists()


def test_a_note_on_a_highlight_of_another_own_bookmark_is_refused(signed_in, user, bookmark):
    elsewhere, _ = save_bookmark(user=user, url="https://example.org/other")
    other_highlight = add_highlight(bookmark=elsewhere, quote="Elsewhere")
    response = signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]),
        {"text": "Misplaced", "highlight": other_highlight.pk},
    )
    assert "That highlight is not on this bookmark." in response.content.decode()
    assert not Note.objects.exists()


def test_editing_a_note(signed_in, bookmark, highlight):
    note = add_note(bookmark=bookmark, highlight=highlight, text="Before")
    url = reverse("annotations:note_edit", args=[note.pk])
    response = signed_in.get(url, {"next": "/bookmarks/"})
    body = response.content.decode()
    assert "Before</textarea>" in body
    assert "A passage" in body  # the highlight it is on
    assert 'name="next" value="/bookmarks/"' in body
    assert '<label for="id_text">' in body
    response = signed_in.post(url, {"text": "After", "next": "/bookmarks/"})
    assert response["Location"] == "/bookmarks/"
    note.refresh_from_db()
    assert (note.text, note.highlight) == ("After", highlight)


def test_an_unsafe_next_is_not_offered_or_followed(signed_in, bookmark):
    note = add_note(bookmark=bookmark, text="Before")
    url = reverse("annotations:note_edit", args=[note.pk])
    body = signed_in.get(url, {"next": "https://evil.example/"}).content.decode()
    assert "evil.example" not in body
    response = signed_in.post(url, {"text": "After", "next": "https://evil.example/"})
    assert response["Location"] == page_url(bookmark)


def test_emptying_a_note_is_a_form_error(signed_in, bookmark):
    note = add_note(bookmark=bookmark, text="Before")
    response = signed_in.post(reverse("annotations:note_edit", args=[note.pk]), {"text": "   "})
    assert response.status_code == 200
    assert "Write the note first." in response.content.decode()
    note.refresh_from_db()
    assert note.text == "Before"


def test_deleting_a_note(signed_in, bookmark, highlight):
    note = add_note(bookmark=bookmark, highlight=highlight, text="Gone")
    response = signed_in.post(reverse("annotations:note_delete", args=[note.pk]))
    assert response["Location"] == page_url(bookmark)
    assert messages_of(response) == ["Sticky note deleted."]
    assert not Note.objects.exists()
    assert Highlight.objects.filter(pk=highlight.pk).exists()


# --- IDOR: someone else's ids on one's own session ----------------------------------


@pytest.fixture
def theirs():
    """Another person's public bookmark, highlight and note (visible, not ours)."""
    bookmark, _ = save_bookmark(user=UserFactory(), url="https://example.org/theirs")
    highlight = add_highlight(bookmark=bookmark, quote="Their passage")
    note = add_note(bookmark=bookmark, highlight=highlight, text="Their note")
    return {"bookmark": bookmark, "highlight": highlight, "note": note}


@pytest.mark.parametrize(
    ("name", "target", "data"),
    [
        ("annotations:highlight_add", "bookmark", {"quote": "x"}),
        ("annotations:note_add", "bookmark", {"text": "x"}),
        ("annotations:highlight_colour", "highlight", {"colour": "pink"}),
        ("annotations:highlight_delete", "highlight", {}),
        ("annotations:note_edit", "note", {"text": "x"}),
        ("annotations:note_delete", "note", {}),
    ],
)
def test_someone_elses_ids_are_refused(signed_in, bookmark, theirs, name, target, data):
    before = (
        list(Highlight.objects.values_list("pk", "quote", "colour")),
        list(Note.objects.values_list("pk", "text")),
    )
    response = signed_in.post(reverse(name, args=[theirs[target].pk]), data)
    assert response.status_code == 403
    after = (
        list(Highlight.objects.values_list("pk", "quote", "colour")),
        list(Note.objects.values_list("pk", "text")),
    )
    assert after == before


# --- The bookmark page: forms for the owner, text escaped for everyone ----------------


def test_the_owner_sees_every_form_on_the_bookmark_page(signed_in, bookmark, highlight):
    note = add_note(bookmark=bookmark, highlight=highlight, text="Pinned")
    page_note = add_note(bookmark=bookmark, text="On the page")
    body = signed_in.get(page_url(bookmark)).content.decode()
    for url in (
        reverse("annotations:highlight_add", args=[bookmark.pk]),
        reverse("annotations:note_add", args=[bookmark.pk]),
        reverse("annotations:highlight_colour", args=[highlight.pk]),
        reverse("annotations:highlight_delete", args=[highlight.pk]),
        reverse("annotations:note_delete", args=[note.pk]),
        reverse("annotations:note_delete", args=[page_note.pk]),
    ):
        assert f'action="{url}"' in body, url
    assert f'href="{reverse("annotations:note_edit", args=[note.pk])}?next=' in body
    assert f'href="{reverse("annotations:note_edit", args=[page_note.pk])}?next=' in body
    assert f'<label for="highlight-{highlight.pk}-colour">' in body
    assert '<option value="green" selected>' in body
    assert f'name="highlight" value="{highlight.pk}"' in body


def test_hostile_text_is_stored_as_typed_and_shown_escaped(signed_in, client, bookmark):
    signed_in.post(
        reverse("annotations:highlight_add", args=[bookmark.pk]), {"quote": f"{SCRIPT} {IMG}"}
    )
    highlight = Highlight.objects.get()
    signed_in.post(
        reverse("annotations:note_add", args=[bookmark.pk]),
        {"text": f"{IMG}\n{SCRIPT}", "highlight": highlight.pk},
    )
    signed_in.post(reverse("annotations:note_add", args=[bookmark.pk]), {"text": SCRIPT})
    assert highlight.quote == f"{SCRIPT} {IMG}"
    assert Note.objects.filter(text=f"{IMG}\n{SCRIPT}").exists()
    owner_page = signed_in.get(page_url(bookmark)).content.decode()
    client.logout()
    visitor_page = client.get(page_url(bookmark)).content.decode()
    for body in (owner_page, visitor_page):
        assert SCRIPT not in body
        assert "<img" not in body
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in body
    # On the note's edit form too.
    note = Note.objects.get(highlight=highlight)
    edit = signed_in.get(reverse("annotations:note_edit", args=[note.pk])).content.decode()
    assert SCRIPT not in edit and "<img" not in edit


def test_the_owners_bookmark_page_runs_the_same_queries_however_much_it_shows(signed_in, user):
    counts = []
    for size in (1, 12):
        bookmark, _ = save_bookmark(user=user, url=f"https://example.org/{size}")
        for h in range(size):
            highlight = add_highlight(bookmark=bookmark, quote=f"Passage {h}")
            for n in range(size):
                add_note(bookmark=bookmark, highlight=highlight, text=f"Note {h}.{n}")
        add_note(bookmark=bookmark, text="On the page")
        with CaptureQueriesContext(connection) as queries:
            response = signed_in.get(page_url(bookmark))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- The partials the group item page includes --------------------------------------


def render_partial(name, user, **context) -> str:
    request = RequestFactory().get("/groups/g/items/1/")
    request.user = user
    return render_to_string(name, context, request=request)


def test_the_add_highlight_partial(user, bookmark):
    html = render_partial(
        "annotations/_add_highlight.html", user, bookmark=bookmark, next="/groups/g/items/1/"
    )
    assert f'action="{reverse("annotations:highlight_add", args=[bookmark.pk])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/groups/g/items/1/"' in html
    assert f'<label for="add-highlight-{bookmark.pk}-quote">' in html
    assert f'<label for="add-highlight-{bookmark.pk}-colour">' in html


def test_the_highlight_controls_partial_runs_no_query(user, bookmark, highlight):
    notes = [
        add_note(bookmark=bookmark, highlight=highlight, text=f"Note {IMG}"),
        add_note(bookmark=bookmark, highlight=highlight, text="Second"),
    ]
    highlight = Highlight.objects.get(pk=highlight.pk)
    with CaptureQueriesContext(connection) as queries:
        html = render_partial(
            "annotations/_highlight_controls.html",
            user,
            highlight=highlight,
            notes=notes,
            next="/groups/g/items/1/",
        )
    assert len(queries) == 0
    assert f'action="{reverse("annotations:highlight_colour", args=[highlight.pk])}"' in html
    assert f'action="{reverse("annotations:highlight_delete", args=[highlight.pk])}"' in html
    assert f'action="{reverse("annotations:note_add", args=[bookmark.pk])}"' in html
    assert f'name="highlight" value="{highlight.pk}"' in html
    for note in notes:
        assert f'action="{reverse("annotations:note_delete", args=[note.pk])}"' in html
        assert (
            f'href="{reverse("annotations:note_edit", args=[note.pk])}?next=/groups/g/items/1/"'
            in html
        )
    assert html.count('name="next" value="/groups/g/items/1/"') == 5
    assert "<img" not in html


def test_the_highlight_controls_partial_reads_the_notes_when_not_given(user, bookmark, highlight):
    note = add_note(bookmark=bookmark, highlight=highlight, text="Read from the database")
    html = render_partial(
        "annotations/_highlight_controls.html", user, highlight=highlight, next="/here/"
    )
    assert f'action="{reverse("annotations:note_delete", args=[note.pk])}"' in html
    assert "Read from the database" in html
    assert "Delete the highlight and its notes" in html


def test_the_highlight_controls_partial_with_no_notes_runs_no_query(user, highlight):
    with CaptureQueriesContext(connection) as queries:
        html = render_partial(
            "annotations/_highlight_controls.html", user, highlight=highlight, notes=[], next="/"
        )
    assert len(queries) == 0
    assert "Delete the highlight</button>" in html
