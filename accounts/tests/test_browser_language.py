"""The language switch and the browser's time zone in headless Chromium:
switching on the tag page changes it in place of the same URL, from the
keyboard and without JavaScript; a signed-in reader's choice is kept; the
page's dates follow the zone the browser reports.

Chromium runs headless and never leaves the machine (see groups/tests/browser.py)."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from accounts.middleware import TIME_ZONE_COOKIE
from accounts.models import User
from groups.tests.conftest import Builder

pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)

TAG = "architecture"
#: Builder's first item is shared on 13 Mar 2024 at 09:30 UTC: still the
#: 12th in Pago Pago (UTC−11).
PAGO_PAGO = "Pacific/Pago_Pago"
#: The switch's label in each of the three languages.
LANGUAGE_LABELS = re.compile("^(Language|語言|语言)$")


@pytest.fixture
def build(db):
    return Builder


@pytest.fixture
def tag_path(build) -> str:
    b = build(slug="reading", name="讀書會 Reading Circle")
    for n in range(1, 4):
        b.item(title=f"分散式系統筆記 {n}", tags=[TAG], highlights=5)
    return reverse("groups:tag", args=[b.group.slug, TAG]) + "?per_page=10"


def switch_to(page, name: str) -> None:
    """Choose a language in the footer's switch and send it, from the keyboard."""
    switch = page.get_by_role("combobox", name=LANGUAGE_LABELS)
    switch.select_option(label=name)
    switch.focus()
    page.keyboard.press("Tab")  # to the switch's button
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_switching_language_on_the_tag_page(new_page, site_url, tag_path):
    page = new_page(locale="en-US")
    page.goto(tag_path)
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"Group items tagged {TAG}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".item__views").first).to_have_text("- 0 views")

    switch_to(page, "繁體中文")
    assert page.url == site_url + tag_path
    expect(page.locator("html")).to_have_attribute("lang", "zh-hant")
    expect(heading).to_have_text(f"標籤為 {TAG} 的群組項目")
    expect(page.locator(".item__views").first).to_have_text("- 0 次瀏覽")
    expect(page.locator(".more-annotations summary").first).to_have_text("……還有 2 則註記……")
    expect(page.get_by_role("combobox", name="語言")).to_have_value("zh-hant")

    switch_to(page, "简体中文")
    assert page.url == site_url + tag_path
    expect(heading).to_have_text(f"标签为 {TAG} 的小组条目")
    expect(page.locator(".more-annotations summary").first).to_have_text("……还有 2 条批注……")

    switch_to(page, "English")
    expect(heading).to_have_text(f"Group items tagged {TAG}")


def test_the_switch_works_without_javascript(new_page, site_url, tag_path):
    page = new_page(java_script_enabled=False, locale="en-US")
    page.goto(tag_path)
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Change language").click()
    page.wait_for_url(site_url + tag_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"标签为 {TAG} 的小组条目")


def test_a_signed_in_readers_choice_is_kept(new_context, site_url, tag_path):
    reader = User.objects.get(display_name="Mei Chen")
    client = Client()
    client.force_login(reader)
    name = settings.SESSION_COOKIE_NAME
    context = new_context(locale="en-US")
    context.add_cookies([{"name": name, "value": client.cookies[name].value, "url": site_url}])
    page = context.new_page()
    page.goto(tag_path)
    switch_to(page, "繁體中文")
    reader.refresh_from_db()
    assert reader.language == "zh-hant"

    # Another browser, signed in as the same person, in English.
    other = new_context(locale="en-US")
    other_client = Client()
    other_client.force_login(reader)
    other.add_cookies([{"name": name, "value": other_client.cookies[name].value, "url": site_url}])
    elsewhere = other.new_page()
    elsewhere.goto(tag_path)
    expect(elsewhere.get_by_role("heading", level=1)).to_have_text(f"標籤為 {TAG} 的群組項目")


def test_dates_follow_the_zone_the_browser_reports(new_page, site_url, tag_path):
    page = new_page(timezone_id=PAGO_PAGO, locale="en-US")
    page.goto(tag_path)  # the first page tells the server the zone…
    cookies = {c["name"]: c["value"] for c in page.context.cookies(site_url)}
    assert cookies[TIME_ZONE_COOKIE] == PAGO_PAGO
    oldest = page.locator("article.item").last.locator(".item__meta time")
    expect(oldest).to_have_text("13 Mar 24")  # …which is still in UTC
    page.reload()
    expect(oldest).to_have_text("12 Mar 24")
    expect(oldest).to_have_attribute("datetime", "2024-03-12T22:30:00-11:00")
