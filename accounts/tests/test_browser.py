"""Account pages in a real browser: a phone-sized screen, the bookmarklet
run on a page, and axe-core in the light and dark schemes.

Chromium runs headless and never leaves the machine (see
groups/tests/browser.py, whose fixtures these tests use)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.urls import NoReverseMatch, reverse

from accounts.tests.factories import UserFactory

pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)

#: A long name with no break in it, in two scripts.
LONG_NAME = "陳美" * 30 + " Mei-Chen-Somebody-With-A-Very-Long-Surname"
FAILING_IMPACTS = {"serious", "critical"}


def session_cookie(user, site_url: str) -> dict:
    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return {"name": name, "value": client.cookies[name].value, "url": site_url}


@pytest.fixture
def signed_in_page(new_context, site_url):
    """A page whose browser is signed in as someone with a long name."""

    def make(**options):
        context = new_context(**options)
        context.add_cookies([session_cookie(UserFactory(display_name=LONG_NAME), site_url)])
        return context.new_page()

    return make


def account_paths() -> list[tuple[str, bool]]:
    """(path, signed in) for every account page."""
    return [
        (reverse("home"), True),
        (reverse("accounts:settings"), True),
        (reverse("accounts:delete"), True),
        (reverse("accounts:password_change"), True),
        ("/no-such-page/", True),
        (reverse("home"), False),
        (reverse("accounts:login"), False),
        (reverse("accounts:signup"), False),
        (reverse("accounts:password_reset"), False),
    ]


def test_phone_width_has_no_horizontal_scroll(new_page, signed_in_page):
    phone = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
    signed_in, anonymous = signed_in_page(**phone), new_page(**phone)
    for path, member in account_paths():
        page = signed_in if member else anonymous
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone: {width}px wide"
    # The header wrapped rather than hid anything: sign-out is still on screen.
    signed_in.goto(reverse("home"))
    button = signed_in.get_by_role("button", name="Sign out")
    box = button.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375


def test_the_bookmarklet_opens_the_save_form_for_the_page(signed_in_page, site_url, local_site):
    page = signed_in_page()
    page.goto(reverse("accounts:settings"))
    href = page.locator("a.accounts__bookmarklet").get_attribute("href")

    page.goto(f"{local_site}/articles/ten-misreadings?ref=a&b=c")
    page.evaluate(
        """() => {
            window.__opened = [];
            window.open = (url, name, features) => { window.__opened.push(url); return {}; };
            const range = document.createRange();
            range.selectNodeContents(document.querySelector('h1'));
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    # What a click on the bookmarks bar does: run the javascript: URL here.
    page.evaluate("href => { location.href = href; }", href)
    page.wait_for_function("() => window.__opened.length === 1")
    opened = page.evaluate("() => window.__opened[0]")

    parts = urlsplit(opened)
    assert f"{parts.scheme}://{parts.netloc}" == site_url
    assert parts.path == "/bookmarks/new/"
    query = parse_qs(parts.query)
    assert query["url"] == [f"{local_site}/articles/ten-misreadings?ref=a&b=c"]
    assert query["title"] == ["A page on this machine"]
    assert query["quote"] == ["A bookmarked page, served locally"]

    try:
        reverse("bookmarks:new")
    except NoReverseMatch:
        return  # the save form is not built yet
    response = page.goto(opened)
    assert response.status == 200


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_serious_or_critical_axe_violations(new_page, signed_in_page, scheme):
    axe = Axe()
    signed_in, anonymous = signed_in_page(), new_page()
    failing = []
    for path, member in account_paths():
        page = signed_in if member else anonymous
        page.emulate_media(color_scheme=scheme)
        page.goto(path)
        for violation in axe.run(page).response["violations"]:
            if violation["impact"] in FAILING_IMPACTS:
                nodes = violation["nodes"][:4]
                targets = [" ".join(map(str, node["target"])) for node in nodes]
                failing.append(
                    f"{path} [{scheme}]: {violation['id']}: {violation['help']}: {targets}"
                )
    assert not failing, "\n".join(failing)


def test_a_form_error_is_announced_beside_its_field(new_page):
    """Signing up with a taken name: the browser shows the error next to the
    field it is about, linked to it for screen readers."""
    UserFactory(username="mei")
    page = new_page()
    page.goto(reverse("accounts:signup"))
    page.get_by_label("Username").fill("mei")
    page.locator("#id_password1").fill("a long passphrase 長い")
    page.locator("#id_password2").fill("a long passphrase 長い")
    page.get_by_role("button", name="Sign up").click()
    field = page.get_by_label("Username")
    assert field.input_value() == "mei"
    assert field.get_attribute("aria-invalid") == "true"
    described = field.get_attribute("aria-describedby").split()
    errors = " ".join(page.locator(f"#{ident}").inner_text() for ident in described)
    assert "already exists" in errors
