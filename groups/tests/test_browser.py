"""The group tag page in a real browser: unfolding, paging, the keyboard,
the view counter and a phone-sized screen.

Chromium runs headless and never leaves the machine (see ``browser.py``).
Set BROWSER_SCREENSHOTS to a folder to keep a full-page screenshot of the
tag page there (``tag-page.png``)."""

import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from groups.models import GroupItem

# The browser fixtures (browser, new_page, shelf, …) live in groups/tests/browser.py.
pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)


def featured_card(page):
    return page.locator("article.item").first


def pagination(page):
    return page.get_by_role("navigation", name="Pages")


def test_tag_page_shows_the_newest_item_with_its_annotations(new_page, shelf):
    page = new_page()
    response = page.goto(shelf.tag_path)
    assert response.status == 200
    expect(page).to_have_title(f"Group items tagged {shelf.tag} · {shelf.group.name} · Commonplace")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Group items tagged {shelf.tag}")
    crumbs = page.get_by_role("navigation", name="Breadcrumb").get_by_role("listitem")
    expect(crumbs).to_have_text(["Home", shelf.group.name, f"Group items tagged {shelf.tag}"])
    expect(page.get_by_role("link", name="RSS feed")).to_be_visible()

    card = featured_card(page)
    expect(card.locator(".item__sharer")).to_have_text("張 旭")
    expect(card.locator(".item__title a")).to_have_text(shelf.title)
    expect(card.locator(".item__views")).to_have_text("- 0 views")
    quotes = card.locator(":scope > .highlights .highlight__quote")
    expect(quotes).to_have_text(shelf.highlights[:3])
    expect(card.locator("details.more-annotations > summary")).to_have_text(
        "...3 more annotations..."
    )
    expect(card.locator(".note").first).to_have_text("張 旭: 這一段值得在讀書會上討論。")
    expect(card.locator(".item__meta")).to_contain_text("shared by 張 旭 on")
    expect(card.get_by_role("link", name="Cached")).to_be_visible()
    expect(page.locator("article.item")).to_have_count(20)
    expect(pagination(page).locator(".pagination__status")).to_have_text(f"1 - 20 of {shelf.size}")

    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / "tag-page.png"), full_page=True)


def test_more_annotations_unfold_in_place_without_javascript(new_page, shelf):
    page = new_page(java_script_enabled=False)
    page.goto(shelf.tag_path)

    card = featured_card(page)
    for text in shelf.highlights[:3]:
        expect(card.get_by_text(text, exact=True)).to_be_visible()
    hidden = [card.get_by_text(text, exact=True) for text in shelf.highlights[3:]]
    for quote_ in hidden:
        expect(quote_).to_be_attached()
        expect(quote_).to_be_hidden()

    url = page.url
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    card.get_by_text("...3 more annotations...").click()
    for quote_ in hidden:
        expect(quote_).to_be_visible()
    expect(card.locator("details.more-annotations")).to_have_attribute("open", "")
    assert page.url == url
    assert requests == [], "unfolding must not load anything"


def test_pagination_next_last_first_then_fifty_a_page(new_page, shelf):
    page = new_page()
    page.goto(shelf.tag_path)
    nav = pagination(page)
    status = nav.locator(".pagination__status")
    expect(status).to_have_text(f"1 - 20 of {shelf.size}")
    expect(nav).to_contain_text("Showing 20 items per page")
    expect(nav.get_by_role("link", name="« First")).to_have_count(0)

    nav.get_by_role("link", name="Next ›").click()
    expect(status).to_have_text(f"21 - 40 of {shelf.size}")
    expect(page).to_have_url(re.compile(r"/\?page=2$"))
    expect(page.locator("article.item")).to_have_count(20)

    nav.get_by_role("link", name="Last »").click()
    expect(status).to_have_text(f"41 - 47 of {shelf.size}")
    expect(page).to_have_url(re.compile(r"/\?page=3$"))
    expect(page.locator("article.item")).to_have_count(7)
    expect(nav.get_by_role("link", name="Next ›")).to_have_count(0)
    # Newest first, so the oldest item closes the last page.
    expect(page.locator(".item__title a").last).to_have_text("Reading note 1")

    nav.get_by_role("link", name="« First").click()
    expect(status).to_have_text(f"1 - 20 of {shelf.size}")
    expect(page).to_have_url(re.compile(r"/tags/architecture/$"))

    nav.get_by_role("link", name="50", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?per_page=50$"))
    expect(status).to_have_text(f"1 - 47 of {shelf.size}")
    expect(nav).to_contain_text("Showing 50 items per page")
    expect(page.locator("article.item")).to_have_count(shelf.size)
    expect(nav.get_by_role("link", name="Next ›")).to_have_count(0)
    expect(nav.get_by_role("link", name="20", exact=True)).to_be_visible()


def test_keyboard_skip_link_then_more_annotations_without_javascript(new_page, shelf):
    """The first Tab stop is the skip link; Enter moves the focus to main; the
    Tabs that follow reach the "more annotations" summary, which Enter and
    Space open and close. No script of the page's takes part."""
    page = new_page(java_script_enabled=False)
    page.goto(shelf.tag_path)

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    expect(focused).to_be_in_viewport()  # shown while it has the focus
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab starts inside main: the breadcrumb, not the site header.
    page.keyboard.press("Tab")
    expect(focused).to_have_text("Home")
    expect(focused).to_have_attribute("href", "/")
    expect(page.locator("main .breadcrumb a").first).to_be_focused()

    card = featured_card(page)
    details = card.locator("details.more-annotations")
    summary = details.locator("> summary")
    last = card.get_by_text(shelf.highlights[-1], exact=True)
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.tagName") == "SUMMARY":
            break
    expect(summary).to_be_focused()
    expect(last).to_be_hidden()

    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(last).to_be_visible()
    page.keyboard.press("Space")
    expect(details).not_to_have_attribute("open", "")
    expect(last).to_be_hidden()
    page.keyboard.press("Space")
    expect(last).to_be_visible()
    expect(summary).to_be_focused()


def test_following_a_title_counts_one_view(new_page, shelf):
    page = new_page()
    page.goto(shelf.tag_path)
    card = featured_card(page)
    expect(card.locator(".item__views")).to_have_text("- 0 views")
    link = card.locator(".item__title a")
    expect(link).to_have_attribute(
        "href", f"/groups/{quote(shelf.group.slug)}/items/{shelf.featured.pk}/visit/"
    )

    link.click()
    expect(page).to_have_url(shelf.featured.page.url)
    expect(page).to_have_title("A page on this machine")
    assert GroupItem.objects.get(pk=shelf.featured.pk).view_count == 1

    page.go_back()
    page.reload()
    # A visit does not retire the cached page: an anonymous reader may see a
    # count up to a minute old (groups.caching.PAGE_TTL)…
    expect(featured_card(page).locator(".item__views")).to_have_text("- 0 views")
    # …and a signed-in one sees it live.
    sign_in(page, shelf.builder.member)
    page.reload()
    expect(featured_card(page).locator(".item__views")).to_have_text("- 1 view")
    assert GroupItem.objects.get(pk=shelf.featured.pk).view_count == 1


def sign_in(page, user) -> None:
    """Give the page's browser a session of ``user``'s."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.url, "httpOnly": True}]
    )


def test_phone_width_has_no_horizontal_scroll(new_page, shelf):
    page = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    paths = [
        reverse("home"),
        reverse("groups:list"),
        shelf.tag_path,
        shelf.tag_path + "?page=3",
        reverse("groups:detail", args=[shelf.group.slug]),
        reverse("groups:item", args=[shelf.group.slug, shelf.featured.pk]),
    ]
    for path in paths:
        page.goto(path)
        for summary in page.locator("details > summary").all():
            summary.click()
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone: {width}px wide"


def test_the_browser_cannot_leave_the_machine(
    new_page,
    offsite_requests,
    local_server,
    build,
    settings,
):
    """The fence itself. The route does not see an item's redirect to another
    host (Playwright routes no redirect hop): the proxy refuses it, for a
    host name and for an address alike. A request the page makes itself is
    aborted by the route before it reaches the proxy."""
    settings.FETCH_NETWORK = "off"  # nor may the server fetch these pages
    b = build()
    b.item(url="https://elsewhere.example/page", title="A named host")
    b.item(url="http://203.0.113.7/page", title="An address")
    tag_page = reverse("groups:tag", args=[b.group.slug, "architecture"])
    page = new_page()
    local_server.refused.clear()
    outcomes = {}
    for title, target in [
        ("A named host", "https://elsewhere.example/page"),
        ("An address", "http://203.0.113.7/page"),
    ]:
        page.goto(tag_page)
        with page.expect_request(target) as hop:
            page.get_by_role("link", name=title).click()
        response = hop.value.response()  # waits for the hop to end either way
        outcomes[target] = response.status if response else hop.value.failure
    assert outcomes == {
        "https://elsewhere.example/page": "net::ERR_TUNNEL_CONNECTION_FAILED",
        "http://203.0.113.7/page": 403,  # the proxy's answer
    }
    assert local_server.refused == [
        "CONNECT elsewhere.example:443",
        "GET http://203.0.113.7/page",
    ]
    assert offsite_requests == list(outcomes)
    # Both visits were counted before the redirect.
    assert sorted(GroupItem.objects.values_list("view_count", flat=True)) == [1, 1]

    page.goto(tag_page)
    refused = page.evaluate(
        "() => fetch('https://elsewhere.example/beacon').then(() => 'sent', () => 'refused')"
    )
    assert refused == "refused"
    assert offsite_requests[-1] == "https://elsewhere.example/beacon"
    assert len(local_server.refused) == 2, "the route stopped it before the proxy"
    offsite_requests.clear()  # all provoked on purpose, and all refused
