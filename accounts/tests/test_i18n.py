"""Language and time zone: chosen from the browser at first, then from the
switch at the foot of every page and from a signed-in person's settings;
dates in the reader's zone, feeds in UTC; plural forms in each language."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import TIME_ZONE_COOKIE
from accounts.models import User
from accounts.tests.factories import UserFactory
from annotations.services import add_highlight
from bookmarks.services import save_bookmark
from groups.models import Group, GroupItem
from groups.services import create_group, share_bookmark

pytestmark = pytest.mark.django_db

#: 20:30 UTC on the 12th is 04:30 on the 13th in Taipei.
SHARED_AT = datetime(2024, 3, 12, 20, 30, tzinfo=UTC)
TAG = "architecture"
HEADING = {
    "en": "Group items tagged",
    "zh-hant": "標籤為",
    "zh-hans": "标签为",
}


@pytest.fixture
def shared():
    """A public group's item tagged ``architecture``, shared at SHARED_AT."""
    owner = UserFactory(display_name="張 旭")
    group = create_group(
        name="讀書會", slug="reading", created_by=owner, visibility=Group.Visibility.PUBLIC
    )
    bookmark, _ = save_bookmark(
        user=owner,
        url="https://example.org/queues",
        title="On queues",
        tag_names=[TAG],
        created_at=SHARED_AT,
        snapshot=False,
    )
    item = share_bookmark(bookmark=bookmark, group=group, shared_at=SHARED_AT)
    return {"group": group, "item": item, "bookmark": bookmark, "owner": owner}


def tag_url(shared, **query) -> str:
    url = reverse("groups:tag", args=[shared["group"].slug, TAG])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def page(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "lxml")


def heading(response) -> str:
    return page(response).h1.get_text(" ", strip=True)


def shared_on(response) -> str:
    """The date of the first item's "shared by NAME on DATE"."""
    return page(response).select_one(".item__meta time").get_text(strip=True)


# --- Choosing the language ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-hant"),
        ("zh-HK", "zh-hant"),
        ("zh-Hant-TW", "zh-hant"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("fr-FR,zh-CN;q=0.5", "zh-hans"),
        ("ja-JP", "en"),
    ],
)
def test_accept_language_chooses_the_language_at_first(shared, accept, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=accept).get(tag_url(shared))
    assert HEADING[language] in heading(response)
    assert page(response).html["lang"] == language
    assert response["Content-Language"] == language
    assert "Accept-Language" in response["Vary"]


def test_every_page_has_a_labelled_switch_naming_each_language_in_itself(shared):
    response = Client(HTTP_ACCEPT_LANGUAGE="zh-TW").get(tag_url(shared, page=1))
    form = page(response).select_one("footer form.language-switch")
    assert form["method"] == "post"
    assert form["action"] == reverse("set_language")
    assert form.find("input", attrs={"name": "next"})["value"] == tag_url(shared, page=1)
    select = form.find("select", attrs={"name": "language"})
    assert form.find("label", attrs={"for": select["id"]}).get_text(strip=True) == "語言"
    options = {o["value"]: (o.get_text(strip=True), o["lang"]) for o in select("option")}
    assert options == {
        "en": ("English", "en"),
        "zh-hant": ("繁體中文", "zh-hant"),
        "zh-hans": ("简体中文", "zh-hans"),
    }
    assert select.find("option", selected=True)["value"] == "zh-hant"
    assert form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "切換語言"


def test_the_switch_keeps_the_url_and_the_choice_outlasts_the_browser_session(client, shared):
    here = tag_url(shared, page=1, per_page=10)
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": here})
    assert response.status_code == 302
    assert response["Location"] == here
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "zh-hans"
    assert cookie["max-age"] == settings.LANGUAGE_COOKIE_AGE
    # Accept-Language says English; the choice wins.
    assert HEADING["zh-hans"] in heading(client.get(here, HTTP_ACCEPT_LANGUAGE="en"))


def test_the_switch_refuses_to_send_anyone_off_the_site(client):
    response = client.post(
        reverse("set_language"), {"language": "zh-hant", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_switch_on_an_account_page_carries_only_its_checked_next(client):
    url = reverse("accounts:login") + "?next=/groups/"
    form = page(client.get(url)).select_one("form.language-switch")
    assert form.find("input", attrs={"name": "next"})["value"] == url
    unsafe = page(client.get(reverse("accounts:signup") + "?next=//evil.example"))
    value = unsafe.select_one("form.language-switch input[name=next]")["value"]
    assert value == reverse("accounts:signup")


def test_switching_while_signed_in_saves_the_preference(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    user.refresh_from_db()
    assert user.language == "zh-hant"


def test_a_language_nobody_offers_is_not_saved(client, user):
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == ""


def test_a_signed_in_users_language_survives_a_new_session(shared):
    person = UserFactory(language="zh-hans")
    browser = Client(HTTP_ACCEPT_LANGUAGE="en-US")  # a new browser, no cookies
    browser.force_login(person)
    response = browser.get(tag_url(shared))
    assert HEADING["zh-hans"] in heading(response)
    # …and the browser learns it, so it stays after signing out.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    browser.post(reverse("accounts:logout"))
    assert HEADING["zh-hans"] in heading(browser.get(tag_url(shared)))


def test_the_saved_language_wins_over_this_browsers_cookie(shared):
    person = UserFactory(language="zh-hant")
    browser = Client()
    browser.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    browser.force_login(person)
    assert HEADING["zh-hant"] in heading(browser.get(tag_url(shared)))


def test_signing_in_brings_back_the_saved_language(client, shared):
    person = UserFactory(username="mei", language="zh-hant")
    response = client.post(
        reverse("accounts:login"),
        {"username": "mei", "password": "correct horse battery staple"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(person.pk)
    assert HEADING["zh-hant"] in heading(client.get(tag_url(shared), HTTP_ACCEPT_LANGUAGE="en"))


# --- Settings and sign-up -------------------------------------------------------


def settings_data(**fields) -> dict:
    return {"display_name": "陳 美", "email": "", "language": "", "time_zone": "", **fields}


def test_the_settings_offer_each_language_in_itself_and_every_zone(client, user):
    client.force_login(user)
    html = page(client.get(reverse("accounts:settings")))
    languages = [o.get_text(strip=True) for o in html.select("#id_language option")]
    assert languages[1:] == ["English", "繁體中文", "简体中文"]
    zones = [o["value"] for o in html.select("#id_time_zone option")]
    assert zones[0] == ""
    assert {"Asia/Taipei", "Asia/Shanghai", "Europe/London", "UTC"} <= set(zones)
    assert "localtime" not in zones
    assert html.select_one("#id_time_zone").has_attr("data-browser-time-zone")


def test_the_settings_keep_a_language_and_a_time_zone(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:settings"),
        settings_data(language="zh-hant", time_zone="Asia/Taipei"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.language, user.time_zone) == ("zh-hant", "Asia/Taipei")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    # The message says so in the language just chosen.
    assert "設定已儲存。" in client.get(response["Location"]).content.decode()


def test_choosing_the_browsers_language_again_forgets_the_choice(client):
    person = UserFactory(language="zh-hans")
    client.force_login(person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(reverse("accounts:settings"), settings_data(language=""))
    person.refresh_from_db()
    assert person.language == ""
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    home = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-TW")
    assert home["Content-Language"] == "zh-hant"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "../../etc/passwd"])
def test_a_zone_we_do_not_know_is_refused_beside_the_field(client, user, zone):
    client.force_login(user)
    response = client.post(reverse("accounts:settings"), settings_data(time_zone=zone))
    assert response.status_code == 200
    assert page(response).find(id="id_time_zone_error")
    user.refresh_from_db()
    assert user.time_zone == ""


def sign_up(client, **extra):
    return client.post(
        reverse("accounts:signup"),
        {
            "username": "mei",
            "display_name": "陳 美",
            "email": "",
            "password1": "a long passphrase 長い",
            "password2": "a long passphrase 長い",
            **extra,
        },
    )


def test_signing_up_keeps_the_browsers_zone_and_the_language_chosen_before(client):
    html = page(client.get(reverse("accounts:signup")))
    field = html.find("input", attrs={"name": "time_zone"})
    assert field["type"] == "hidden"
    assert field.has_attr("data-browser-time-zone")
    assert html.find("script", src=lambda src: src and src.endswith("js/timezone.js"))

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    assert sign_up(client, time_zone="Asia/Taipei").status_code == 302
    person = User.objects.get(username="mei")
    assert (person.time_zone, person.language) == ("Asia/Taipei", "zh-hant")


def test_signing_up_with_a_zone_we_do_not_know_leaves_it_unset(client):
    assert sign_up(client, time_zone="Nowhere/Else").status_code == 302
    assert User.objects.get(username="mei").time_zone == ""


def test_the_sign_up_form_starts_from_the_zone_the_browser_reported(client):
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Shanghai"
    html = page(client.get(reverse("accounts:signup")))
    assert html.find("input", attrs={"name": "time_zone"})["value"] == "Asia/Shanghai"


def test_the_language_must_be_one_we_offer_in_the_database(user):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(language="fr")


# --- Time zones ---------------------------------------------------------------


def test_a_reader_in_taipei_sees_the_share_on_the_13th(shared):
    reader = UserFactory(time_zone="Asia/Taipei")
    browser = Client()
    browser.force_login(reader)
    response = browser.get(tag_url(shared))
    assert shared_on(response) == "13 Mar 24"
    time = page(response).select_one(".item__meta time")
    assert time["datetime"] == "2024-03-13T04:30:00+08:00"
    assert "13 Mar 24" in shared_on(browser.get(reverse("groups:detail", args=["reading"])))


def test_a_reader_in_utc_sees_it_on_the_12th(client, shared):
    assert shared_on(client.get(tag_url(shared))) == "12 Mar 24"


def test_the_browsers_zone_serves_anonymous_readers_and_unknown_zones_fall_back_to_utc(
    client, shared
):
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Taipei"
    assert shared_on(client.get(tag_url(shared))) == "13 Mar 24"
    client.cookies[TIME_ZONE_COOKIE] = "Not/AZone"
    assert shared_on(client.get(tag_url(shared))) == "12 Mar 24"


def test_a_saved_zone_wins_over_the_browsers(shared):
    reader = UserFactory(time_zone="America/Los_Angeles")  # 13:30 on the 12th
    browser = Client()
    browser.cookies[TIME_ZONE_COOKIE] = "Asia/Taipei"
    browser.force_login(reader)
    assert shared_on(browser.get(tag_url(shared))) == "12 Mar 24"


def test_the_shared_line_is_in_the_readers_language_and_zone(shared):
    reader = UserFactory(time_zone="Asia/Taipei", language="zh-hant")
    browser = Client()
    browser.force_login(reader)
    meta = page(browser.get(tag_url(shared))).select_one(".item__meta")
    text = " ".join(meta.get_text(" ").split())
    # 20:30 UTC on 12 March is the 13th in Taipei, written the Chinese way.
    assert text.startswith("由 張 旭 於 2024年3月13日")
    assert "分享" in text


def test_the_zone_does_not_outlive_the_request(shared):
    reader = UserFactory(time_zone="Asia/Taipei")
    browser = Client()
    browser.force_login(reader)
    browser.get(tag_url(shared))
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_stay_in_utc_whatever_the_readers_zone(shared, kind):
    reader = UserFactory(time_zone="Asia/Taipei")
    browser = Client()
    browser.force_login(reader)
    browser.cookies[TIME_ZONE_COOKIE] = "Asia/Taipei"
    url = reverse(f"feeds:group_tag_{kind}", args=[shared["group"].slug, TAG])
    body = browser.get(url).content.decode()
    if kind == "rss":
        assert "<pubDate>Tue, 12 Mar 2024 20:30:00 +0000</pubDate>" in body
    else:
        assert "<published>2024-03-12T20:30:00+00:00</published>" in body
    assert "+0800" not in body and "+08:00" not in body


# --- Plural forms -----------------------------------------------------------------

VIEWS = {
    "en": ("1 view", "2 views"),
    "zh-hant": ("1 次瀏覽", "2 次瀏覽"),
    "zh-hans": ("1 次浏览", "2 次浏览"),
}
MORE = {
    "en": ("...1 more annotation...", "...12 more annotations..."),
    "zh-hant": ("……還有 1 則註記……", "……還有 12 則註記……"),
    "zh-hans": ("……还有 1 条批注……", "……还有 12 条批注……"),
}


def card_text(client, shared, language: str, selector: str) -> str:
    # Signed in: anonymous pages are cached, with view counts up to a minute old.
    client.force_login(shared["owner"])
    response = client.get(tag_url(shared), HTTP_ACCEPT_LANGUAGE=language)
    return page(response).select_one(selector).get_text(" ", strip=True)


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_views_counted_in_each_language(client, shared, language):
    one, two = VIEWS[language]
    GroupItem.objects.filter(pk=shared["item"].pk).update(view_count=1)
    assert card_text(client, shared, language, ".item__views") == f"- {one}"
    GroupItem.objects.filter(pk=shared["item"].pk).update(view_count=2)
    assert card_text(client, shared, language, ".item__views") == f"- {two}"


@pytest.mark.parametrize("language", ["en", "zh-hant", "zh-hans"])
def test_more_annotations_counted_in_each_language(client, shared, language):
    one, twelve = MORE[language]
    bookmark = shared["bookmark"]
    for n in range(4):
        add_highlight(bookmark=bookmark, quote=f"passage {n}")
    assert card_text(client, shared, language, ".more-annotations summary") == one
    for n in range(4, 15):
        add_highlight(bookmark=bookmark, quote=f"passage {n}")
    assert card_text(client, shared, language, ".more-annotations summary") == twelve


def test_the_switch_needs_no_token_so_pages_stay_the_same_for_every_visitor(shared):
    """Anonymous pages are cached and shared (groups/caching.py): a CSRF
    token in the footer would make each one personal."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.get(tag_url(shared))
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    switched = browser.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert switched.status_code == 302
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"


def test_the_switch_comes_back_without_a_next_it_was_handed(client, user):
    client.force_login(user)
    response = client.get("/groups/?page=2&next=https://evil.example/")
    assert "evil.example" not in response.content.decode()
    assert 'name="next" value="/groups/?page=2"' in response.content.decode()
