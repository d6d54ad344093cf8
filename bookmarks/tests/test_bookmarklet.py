"""The bookmarklet: a link on the settings page that opens the save form for
the page being read, its selected passage becoming the bookmark's first
highlight. Last, the whole round in a real browser."""

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.messages import get_messages
from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

from accounts.tests.factories import UserFactory
from annotations.models import Highlight
from annotations.services import add_highlight
from bookmarks.models import Bookmark, Page, Snapshot
from bookmarks.services import save_bookmark
from bookmarks.tests.pageserver import PageServer
from groups.models import Group, GroupShare
from groups.services import NotAMember, create_group

pytest_plugins = ["groups.tests.browser"]

NEW = "/bookmarks/new/"
PASSWORD = "correct horse battery staple"
URL = "https://example.org/essays/quorum"
QUOTE = "一個法定人數是關於重疊的承諾。 A quorum is a promise about overlap."


def bookmarklet_href(client) -> str:
    html = BeautifulSoup(client.get(reverse("accounts:settings")).content, "lxml")
    return html.find("a", class_="accounts__bookmarklet")["href"]


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def post_new(client, **fields):
    data = {"url": URL, "title": "", "description": "", "tags": "", "quote": ""}
    data.update(fields)
    return client.post(NEW, data)


def submitted(form) -> dict:
    """What a browser sends for this form as it stands."""
    data: dict = {}
    for field in form.find_all(["input", "textarea"]):
        if field.get("type") == "checkbox" and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            value = field.get_text().removeprefix("\n")
        else:
            value = field.get("value", "on")
        data.setdefault(field["name"], []).append(value)
    return {name: values if len(values) > 1 else values[0] for name, values in data.items()}


def text_of(html: BeautifulSoup, name: str) -> str:
    """A textarea's value (the parser keeps the newline a browser drops)."""
    return html.find("textarea", attrs={"name": name}).get_text().removeprefix("\n")


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "lxml")


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


# --- The settings page ----------------------------------------------------------


@pytest.mark.django_db
def test_the_settings_page_offers_the_bookmarklet_to_drag(signed_in):
    html = BeautifulSoup(signed_in.get(reverse("accounts:settings")).content, "lxml")
    section = html.find(id="bookmarklet")
    assert section.find("h2").get_text() == "Bookmarklet"
    assert "bookmarks bar" in section.get_text() and "first highlight" in section.get_text()
    link = section.find("a", class_="accounts__bookmarklet")
    assert link.get_text() == "Save to Commonplace"
    assert link["href"].startswith("javascript:")


@pytest.mark.django_db
def test_the_bookmarklet_is_short_es5_and_sends_url_title_and_quote(signed_in):
    href = bookmarklet_href(signed_in)
    code = unquote(href.removeprefix("javascript:"))  # what the browser runs
    assert "'http://testserver/bookmarks/new/'" in code
    for sent in ("'?url='+e(location.href)", "'&title='+e(t)", "'&quote='+e(s)"):
        assert sent in code
    assert "getSelection" in code and "encodeURIComponent" in code and "w.open(" in code
    assert "location.href=u" in code  # a blocked pop-up falls back to going there
    for later_syntax in ("=>", "let ", "const ", "`", "..."):
        assert later_syntax not in code
    assert len(href) < 600
    # A line break would be dropped from a URL, a bare % decoded.
    assert not re.search(r"[\r\n\t]", href) and "%" not in code.replace("%25", "")


# --- Filling in the form ----------------------------------------------------------


@pytest.mark.django_db
def test_the_form_is_filled_in_from_the_query_string_and_saves_nothing(signed_in):
    response = signed_in.get(
        NEW,
        {
            "url": URL,
            "title": "共識 <i>notes</i>",
            "description": "why",
            "quote": "Line one <b>bold</b>\nline two",
        },
    )
    assert response.status_code == 200
    html = soup(response)
    assert html.find("input", attrs={"name": "url"})["value"] == URL
    assert html.find("input", attrs={"name": "title"})["value"] == "共識 <i>notes</i>"
    assert text_of(html, "description") == "why"
    quote = html.find("textarea", attrs={"name": "quote"})
    assert text_of(html, "quote") == "Line one <b>bold</b>\nline two"
    assert "edit-form__quote" in quote["class"]
    assert html.find("label", attrs={"for": quote["id"]}).get_text() == "First highlight:"
    body = response.content.decode()
    assert "&lt;b&gt;bold&lt;/b&gt;" in body and "<b>bold</b>" not in body
    assert not Bookmark.objects.exists() and not Page.objects.exists()
    assert not Highlight.objects.exists()


@pytest.mark.django_db
def test_the_form_shows_an_empty_first_highlight_without_a_quote(signed_in):
    html = soup(signed_in.get(NEW, {"url": URL}))
    assert text_of(html, "quote") == ""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"url": "javascript:alert(1)", "title": "\x00\x07", "quote": "\x1b[31m"},
        {"url": "http://[::1", "quote": "x" * 100_000},
        {"url": "https://例え.jp/" + "長" * 5000, "title": "t" * 5000},
        {"url": "http://exa mple.org/", "tags": "a/b, ..", "description": "<script>"},
        "?url=%ff%fe&title=%ed%a0%80&quote=%c0%80%00",  # not UTF-8
    ],
)
def test_any_query_string_shows_the_form(signed_in, query):
    response = signed_in.get(NEW + query) if isinstance(query, str) else signed_in.get(NEW, query)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode()
    assert not Bookmark.objects.exists()


# --- Saving -----------------------------------------------------------------------


@pytest.mark.django_db
def test_saving_with_a_quote_makes_it_the_first_highlight(signed_in, user):
    response = post_new(
        signed_in, title="Quorum", tags="分散式", quote=f"  {QUOTE.replace(' A', chr(10) + ' A')}\n"
    )
    bookmark = Bookmark.objects.get(user=user)
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:detail", args=[bookmark.pk])
    assert messages_of(response) == ["Bookmark saved, with its first highlight."]
    assert bookmark.title == "Quorum"
    (highlight,) = bookmark.highlights.all()
    # Whitespace as the snapshot's text writes it, so the quote is found there.
    assert highlight.quote == QUOTE
    assert highlight.ordinal == 0 and highlight.colour == Highlight.Colour.YELLOW
    assert QUOTE in signed_in.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_saving_without_a_quote_adds_no_highlight(signed_in, user):
    response = post_new(signed_in, quote="   \n ")
    assert messages_of(response) == ["Bookmark saved."]
    assert Bookmark.objects.filter(user=user).exists()
    assert not Highlight.objects.exists()


@pytest.mark.django_db
def test_saving_and_highlighting_are_one_transaction(user, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(user)

    def broken(**kwargs):
        raise DatabaseError("the disk is full")

    monkeypatch.setattr("annotations.services.add_highlight", broken)
    response = post_new(client, quote=QUOTE)
    assert response.status_code == 500
    assert not Bookmark.objects.exists() and not Page.objects.exists()


@pytest.mark.django_db
def test_a_share_that_fails_saves_neither_bookmark_nor_highlight(signed_in, user, monkeypatch):
    group = create_group(
        name="Circle", slug="circle", created_by=user, visibility=Group.Visibility.PUBLIC
    )

    def refuse(**kwargs):
        raise NotAMember("left")

    monkeypatch.setattr("bookmarks.edit_views.share_bookmark", refuse)
    response = post_new(signed_in, quote=QUOTE, groups=[group.pk])
    assert response.status_code == 200
    assert "You can share only into groups you are a member of." in response.content.decode()
    assert text_of(soup(response), "quote") == QUOTE
    assert not Bookmark.objects.exists() and not Highlight.objects.exists()


# --- A page already saved ---------------------------------------------------------


@pytest.fixture
def saved(user):
    group = create_group(
        name="Readers", slug="readers", created_by=user, visibility=Group.Visibility.PRIVATE
    )
    bookmark, _ = save_bookmark(
        user=user,
        url=URL,
        title="Kept title",
        description="Kept description",
        tag_names=["kept"],
        is_private=True,
        created_at=datetime(2024, 3, 12, 9, 0, tzinfo=UTC),
    )
    from groups.services import share_bookmark

    share_bookmark(bookmark=bookmark, group=group)
    return bookmark


@pytest.mark.django_db
def test_with_a_quote_the_form_for_a_saved_page_shows_it_as_saved(signed_in, saved):
    response = signed_in.get(NEW, {"url": URL + "#part", "title": "Page title", "quote": QUOTE})
    assert response.status_code == 200
    html = soup(response)
    notice = html.find("p", class_="notice").get_text()
    assert "You saved this page on March 12, 2024." in notice
    assert html.find("input", attrs={"name": "title"})["value"] == "Kept title"
    assert html.find("input", attrs={"name": "tags"})["value"] == "kept"
    assert html.find("input", attrs={"name": "is_private"}).has_attr("checked")
    quote = html.find("textarea", attrs={"name": "quote"})
    assert text_of(html, "quote") == QUOTE
    assert html.find("label", attrs={"for": quote["id"]}).get_text() == "New highlight:"


@pytest.mark.django_db
def test_a_quote_is_added_to_the_saved_bookmark_once(signed_in, user, saved):
    form = soup(signed_in.get(NEW, {"url": URL, "quote": QUOTE})).find("form", class_="edit-form")
    data = submitted(form)
    assert data["title"] == "Kept title" and data["quote"] == QUOTE

    response = signed_in.post(NEW, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("bookmarks:detail", args=[saved.pk])
    assert messages_of(response) == ["The passage is added to your bookmark as a highlight."]
    assert list(saved.highlights.values_list("quote", flat=True)) == [QUOTE]
    assert QUOTE in signed_in.get(response["Location"]).content.decode()

    again = signed_in.post(NEW, data)
    assert again["Location"] == reverse("bookmarks:detail", args=[saved.pk])
    assert messages_of(again) == ["That passage is one of your highlights already."]
    assert saved.highlights.count() == 1
    saved.refresh_from_db()
    assert saved.title == "Kept title" and saved.is_private
    assert Bookmark.objects.filter(user=user).count() == 1
    assert GroupShare.objects.filter(bookmark=saved).count() == 1


@pytest.mark.django_db
def test_a_quote_already_highlighted_another_way_is_not_added_twice(signed_in, saved):
    add_highlight(bookmark=saved, quote=QUOTE)
    add_highlight(bookmark=saved, quote="Another passage.")
    post_new(signed_in, quote=QUOTE)
    assert sorted(saved.highlights.values_list("quote", flat=True)) == ["Another passage.", QUOTE]


@pytest.mark.django_db
def test_other_changes_to_a_saved_bookmark_are_offered_not_written(signed_in, saved):
    response = post_new(signed_in, title="A new title", tags="new", quote=QUOTE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "You saved this page on March 12, 2024; edit it here." in body
    assert f'action="{reverse("bookmarks:edit", args=[saved.pk])}"' in body
    assert 'value="A new title"' in body and 'value="kept, new"' in body
    assert "The passage is added to your bookmark as a highlight." in body
    saved.refresh_from_db()
    assert saved.title == "Kept title"
    assert [tag.name for tag in saved.tags.all()] == ["kept"]
    assert list(saved.highlights.values_list("quote", flat=True)) == [QUOTE]


@pytest.mark.django_db
def test_without_a_quote_a_saved_page_still_goes_to_its_edit_page(signed_in, saved):
    response = signed_in.get(NEW, {"url": URL, "title": "x", "quote": "  "})
    assert response["Location"] == reverse("bookmarks:edit", args=[saved.pk])


# --- Hostile input ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"quote": "x" * 20_001}, "quote", "at most 20000 characters"),
        ({"quote": "ring\x07ring"}, "quote", "Remove the invisible control characters"),
        ({"quote": "nul\x00"}, "quote", "Null characters are not allowed."),
        ({"quote": "c1\x9b31m"}, "quote", "Remove the invisible control characters"),
        ({"title": "\x1b[2J" + "title"}, "title", "Remove the invisible control characters"),
        ({"title": "t" * 2001}, "title", "at most 2000 characters"),
        ({"description": "\x08back"}, "description", "Remove the invisible control characters"),
        ({"url": "javascript:alert(document.cookie)"}, "url", "Only http and https"),
        ({"url": "data:text/html,<script>alert(1)</script>"}, "url", "Only http and https"),
        ({"url": "file:///etc/passwd"}, "url", "Only http and https"),
        ({"url": "https://example.org/\x00"}, "url", "Null characters are not allowed."),
    ],
)
def test_bad_input_is_a_field_error_and_saves_nothing(signed_in, fields, field, message):
    fields = {"title": "Still here", "quote": QUOTE, **fields}
    response = post_new(signed_in, **fields)
    assert response.status_code == 200
    errors = soup(response).find(id=f"id_{field}_error")
    assert errors is not None and message in errors.get_text()
    if field != "title":
        assert 'value="Still here"' in response.content.decode()
    assert not Bookmark.objects.exists() and not Highlight.objects.exists()
    assert not Page.objects.exists()


# --- Signing in first ---------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_people_sign_in_and_come_back_to_the_filled_in_form(client):
    user = UserFactory()
    query = f"?url={quote(URL, safe='')}&title={quote('共識')}&quote={quote(QUOTE)}"
    response = client.get(NEW + query)
    assert response.status_code == 302
    login = urlsplit(response["Location"])
    assert login.path == reverse("accounts:login")
    (next_url,) = parse_qs(login.query)["next"]
    assert next_url == NEW + query

    signed = client.post(
        response["Location"],
        {"username": user.username, "password": PASSWORD, "next": next_url},
    )
    assert signed.status_code == 302 and signed["Location"] == NEW + query
    html = soup(client.get(signed["Location"]))
    assert html.find("input", attrs={"name": "url"})["value"] == URL
    assert html.find("input", attrs={"name": "title"})["value"] == "共識"
    assert text_of(html, "quote") == QUOTE
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_an_anonymous_post_saves_nothing(client):
    response = post_new(client, quote=QUOTE)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("accounts:login")
    assert not Bookmark.objects.exists()


# --- In a real browser --------------------------------------------------------------

ARTICLE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>On quorums — 關於法定人數</title></head><body><main>
<h1>On quorums</h1>
<p id="first">Consensus needs overlap. A quorum is a promise about overlap, kept by every
majority that could ever be asked.</p>
<p>法定人數是一種承諾:任何兩個多數派都至少有一個共同成員。</p>
</main></body></html>""".encode()
#: The sentence the test selects in the first paragraph (its text node spans a line break).
SELECTED = "A quorum is a promise about overlap, kept by every\nmajority that could ever be asked."
WRITTEN = " ".join(SELECTED.split())


@pytest.fixture
def article():
    with PageServer(
        {"/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE)}
    ) as s:
        yield s


def select_sentence(page) -> None:
    page.evaluate(
        """sentence => {
            const text = document.querySelector('#first').firstChild;
            const start = text.data.indexOf(sentence);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + sentence.length);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }""",
        SELECTED,
    )


def sign_in_cookie(user, site_url: str) -> dict:
    from django.conf import settings

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": site_url}


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_the_selection_becomes_the_first_highlight(new_context, site_url, article):
    user = UserFactory()
    context = new_context()
    context.add_cookies([sign_in_cookie(user, site_url)])
    page = context.new_page()
    page.goto(reverse("accounts:settings"))
    href = page.locator("a.accounts__bookmarklet").get_attribute("href")

    page.goto(article.url("/article"))
    select_sentence(page)
    # What a click in the bookmarks bar does: run the javascript: URL on this page.
    with context.expect_page() as opened:
        page.evaluate("href => { location.href = href; }", href)
    form = opened.value
    form.wait_for_load_state()
    assert form.url.startswith(f"{site_url}/bookmarks/new/?url=")
    assert form.get_by_label("URL").input_value() == article.url("/article")
    assert form.get_by_label("Title").input_value() == "On quorums — 關於法定人數"
    # Chromium writes the selection as it is rendered: the line break is a space.
    assert form.get_by_label("First highlight").input_value() == WRITTEN
    form.get_by_label("Tags").fill("consensus, 分散式")
    form.get_by_role("button", name="Save bookmark").click()
    form.wait_for_url(re.compile(r"/bookmarks/\d+/$"))
    assert "Bookmark saved, with its first highlight." in form.locator(".messages").inner_text()

    bookmark = Bookmark.objects.get(user=user)
    assert bookmark.url == article.url("/article")
    assert sorted(bookmark.tags.values_list("name", flat=True)) == ["consensus", "分散式"]
    (highlight,) = bookmark.highlights.all()
    assert highlight.quote == WRITTEN
    # Eager tasks: the live server cached the local page when the save committed.
    snapshot = Snapshot.objects.get(page=bookmark.page)
    assert snapshot.status == Snapshot.Status.OK
    assert highlight.quote in snapshot.text
    # The highlight, written before the copy existed, was placed in it on arrival.
    assert highlight.anchor_state == Highlight.AnchorState.ANCHORED
    assert highlight.snapshot_id == snapshot.pk
    assert snapshot.text[highlight.start : highlight.end] == highlight.quote
    assert highlight.prefix.endswith("Consensus needs overlap. ")


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_blocked_pop_up_opens_the_form_in_place(new_context, site_url, article):
    user = UserFactory()
    context = new_context()
    context.add_cookies([sign_in_cookie(user, site_url)])
    page = context.new_page()
    page.goto(reverse("accounts:settings"))
    href = page.locator("a.accounts__bookmarklet").get_attribute("href")

    page.goto(article.url("/article"))
    page.evaluate("() => { window.open = () => null; }")  # what a pop-up blocker returns
    page.evaluate("href => { location.href = href; }", href)
    page.wait_for_url(re.compile(r"/bookmarks/new/\?"))
    assert page.get_by_label("URL").input_value() == article.url("/article")
    assert page.get_by_label("First highlight").input_value() == ""
    assert not Bookmark.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_in_a_browser_a_long_selection_is_cut_to_fit_the_address(new_context, site_url, article):
    """Five thousand CJK characters would make an address of 45 KB, which
    servers refuse: the bookmarklet sends as much as fits, whole characters."""
    user = UserFactory()
    context = new_context()
    context.add_cookies([sign_in_cookie(user, site_url)])
    page = context.new_page()
    page.goto(reverse("accounts:settings"))
    href = page.locator("a.accounts__bookmarklet").get_attribute("href")

    page.goto(article.url("/article"))
    page.evaluate(
        """() => {
            window.__opened = [];
            window.open = url => { window.__opened.push(url); return {}; };
            const p = document.createElement('p');
            p.textContent = '法定人數😀'.repeat(2000);
            document.body.append(p);
            const range = document.createRange();
            range.selectNodeContents(p);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    page.evaluate("href => { location.href = href; }", href)
    page.wait_for_function("() => window.__opened.length === 1")
    opened = page.evaluate("() => window.__opened[0]")
    assert len(opened) <= 4000
    (sent,) = parse_qs(urlsplit(opened).query)["quote"]
    assert len(sent) > 100 and ("法定人數😀" * 2000).startswith(sent)
    assert not Bookmark.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_filled_in_form_has_no_serious_axe_violations(new_context, site_url, scheme):
    from axe_playwright_python.sync_playwright import Axe

    context = new_context()
    context.add_cookies([sign_in_cookie(UserFactory(), site_url)])
    page = context.new_page()
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{NEW}?url={quote(URL, safe='')}&title=Quorum&quote={quote(QUOTE)}")
    violations = Axe().run(page).response["violations"]
    failing = [v["id"] for v in violations if v["impact"] in {"serious", "critical"}]
    assert failing == []
