"""The catalogues: complete, current and compiled; and the main pages in
Traditional and Simplified Chinese with no English left on them.

"Current" is checked the way a translator refreshes them: makemessages runs
on a copy of the sources with a copy of the catalogues, and every message it
finds must come out translated and not fuzzy."""

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from accounts.tests.factories import UserFactory
from annotations.services import add_highlight, add_note
from bookmarks.services import save_bookmark
from conftest import needs_service
from groups.models import Group, GroupItem
from groups.services import add_group_note, add_member, create_group, share_bookmark

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LOCALES = ("zh_Hant", "zh_Hans")
LANGUAGES = ("zh-hant", "zh-hans")
#: The refresh command's --ignore list (the catalogues' header names it).
IGNORED = (".venv", "var", "bench")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
TAG = re.compile(r"</?[a-z]+\b[^>]*>")


def catalogue(locale: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.po"))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def translations(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


# --- The catalogues ----------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    po = catalogue(locale)
    assert len(live_entries(po)) > 500
    untranslated = [e.msgid for e in live_entries(po) if not all(translations(e))]
    fuzzy = [e.msgid for e in live_entries(po) if "fuzzy" in e.flags]
    assert not untranslated, f"{locale}: not translated: {untranslated}"
    assert not fuzzy, f"{locale}: fuzzy: {fuzzy}"


@pytest.mark.parametrize("locale", LOCALES)
def test_chinese_has_one_plural_form(locale):
    po = catalogue(locale)
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    plurals = [e for e in live_entries(po) if e.msgid_plural]
    assert plurals
    assert all(list(e.msgstr_plural) == [0] for e in plurals)


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_and_markup_are_kept_exactly(locale):
    for entry in live_entries(catalogue(locale)):
        for text in translations(entry):
            for source in filter(None, [entry.msgid, entry.msgid_plural]):
                assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(source)), (
                    entry.msgid
                )
                assert sorted(TAG.findall(text)) == sorted(TAG.findall(source)), entry.msgid


@pytest.mark.parametrize("locale", LOCALES)
def test_each_catalogue_opens_with_its_glossary(locale):
    header = catalogue(locale).header
    assert "Glossary" in header
    assert ("書籤" in header) if locale == "zh_Hant" else ("书签" in header)
    assert "makemessages" in header  # the refresh command


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_its_source(locale):
    po = catalogue(locale)
    mo = polib.mofile(str(LOCALE_DIR / locale / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): translations(e) for e in mo if e.msgid}
    source = {(e.msgctxt, e.msgid): translations(e) for e in live_entries(po)}
    assert compiled == source, "run: manage.py compilemessages -l zh_Hant -l zh_Hans"


def copy_sources(destination: Path) -> None:
    """What makemessages reads (Python, templates, text), without the
    catalogues, so the copy's own catalogues are the only ones it writes."""
    base = Path(settings.BASE_DIR)

    def ignore(directory: str, names: list[str]) -> set[str]:
        at_top = Path(directory) == base
        return {
            name
            for name in names
            if (at_top and name in {*IGNORED, "locale", ".git"})
            or name in {"__pycache__", "node_modules"}
            or (
                (Path(directory) / name).is_file()
                and Path(name).suffix not in {".py", ".html", ".txt"}
            )
        }

    shutil.copytree(base, destination, ignore=ignore, symlinks=False)


def test_every_marked_string_is_in_both_catalogues(tmp_path, monkeypatch):
    """makemessages over the sources as they are now finds nothing new."""
    needs_service(bool(shutil.which("xgettext") and shutil.which("msgmerge")), "GNU gettext")
    work = tmp_path / "src"
    copy_sources(work)
    shutil.copytree(LOCALE_DIR, work / "locale")
    monkeypatch.chdir(work)
    with override_settings(LOCALE_PATHS=[work / "locale"]):
        call_command(
            "makemessages",
            locale=list(LOCALES),
            ignore_patterns=list(IGNORED),
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )
    for locale in LOCALES:
        fresh = polib.pofile(str(work / "locale" / locale / "LC_MESSAGES" / "django.po"))
        committed = {e.msgid for e in live_entries(catalogue(locale))}
        found = {e.msgid for e in live_entries(fresh)}
        assert found - committed == set(), f"{locale}: new strings to translate"
        assert committed - found == set(), f"{locale}: strings no longer in the sources"
        stale = [e.msgid for e in live_entries(fresh) if "fuzzy" in e.flags]
        assert not stale, f"{locale}: changed strings to translate again: {stale}"


# --- Templates in every language ----------------------------------------------


def template_names() -> list[str]:
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(
        str(path.relative_to(root)) for path in root.rglob("*") if path.suffix in {".html", ".txt"}
    )


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_every_template_compiles_in_every_language(language):
    engine = engines["django"]
    with translation.override(language):
        for name in template_names():
            engine.get_template(name)


# --- The main pages ----------------------------------------------------------

#: Shared at 20:30 UTC: 13 Mar in Taipei.
SHARED_AT = datetime(2024, 3, 12, 20, 30, tzinfo=UTC)


@pytest.fixture
def site(db):
    """A public group with a tag, an item with many highlights, notes and a
    discussion, shared by a member; every piece of text in Chinese, so any
    English left on a page comes from a template."""
    owner = UserFactory(username="zhang", display_name="張 旭")
    member = UserFactory(username="mei", display_name="陳美")
    group = create_group(
        name="讀書會",
        slug="讀書會",
        created_by=owner,
        visibility=Group.Visibility.PUBLIC,
        description="一起讀分散式系統。",
    )
    add_member(group=group, user=member)
    bookmark, _ = save_bookmark(
        user=owner,
        url="https://example.org/分散式",
        title="分散式系統筆記",
        description="第一章到第三章。",
        tag_names=["架構", "系統"],
        created_at=SHARED_AT,
        snapshot=False,
    )
    item = share_bookmark(bookmark=bookmark, group=group, shared_at=SHARED_AT)
    GroupItem.objects.filter(pk=item.pk).update(view_count=2)
    highlights = [add_highlight(bookmark=bookmark, quote=f"第{n}段重點。") for n in range(1, 16)]
    add_note(bookmark=bookmark, highlight=highlights[0], text="值得討論。")
    add_note(bookmark=bookmark, text="整篇都好。")
    add_group_note(item=item, author=member, highlight=highlights[1], text="同意。")
    add_group_note(item=item, author=member, text="下週再談。")
    return {"owner": owner, "member": member, "group": group, "item": item, "bookmark": bookmark}


def main_pages(site) -> list[tuple[str, str | None]]:
    """(URL, who reads it): the pages every reader meets."""
    group, item = site["group"], site["item"]
    return [
        (reverse("home"), "member"),
        (reverse("groups:list"), "member"),
        (reverse("groups:detail", args=[group.slug]), "member"),
        (reverse("groups:tag", args=[group.slug, "架構"]), "member"),
        (reverse("groups:item", args=[group.slug, item.pk]), "member"),
        (reverse("bookmarks:detail", args=[site["bookmark"].pk]), "owner"),
        (reverse("accounts:settings"), "member"),
        (reverse("home"), None),
        (reverse("groups:tag", args=[group.slug, "架構"]), None),
        (reverse("accounts:login"), None),
        (reverse("accounts:signup"), None),
    ]


def visible_text(html: str) -> str:
    """What a reader sees or hears: text, and the attributes that are read out."""
    soup = BeautifulSoup(html, "lxml")
    # Code is code in every language: <code>auth_token</code>, <kbd>Esc</kbd>.
    for element in soup(["script", "style", "code", "kbd"]):
        element.decompose()
    # Zone names are IANA identifiers, the same in every language.
    for option in soup.select('select[name="time_zone"] option[value]:not([value=""])'):
        option.decompose()
    parts = [soup.get_text(" ")]
    for element in soup.find_all(True):
        for attribute in ("aria-label", "title", "placeholder", "alt"):
            if element.get(attribute):
                parts.append(element[attribute])
        if element.name in ("button", "input") and element.get("type") in ("submit", "button"):
            parts.append(element.get("value", ""))
    return " ".join(" ".join(parts).split())


def english_fragments(locale: str) -> set[str]:
    """The English words of every message: each run of text between its
    placeholders and tags, unless the translation keeps it ("RSS", "Diigo")."""
    fragments = set()
    for entry in live_entries(catalogue(locale)):
        kept = " ".join(translations(entry))
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in re.split(r"%\(\w+\)[sd]|</?[a-z]+\b[^>]*>", source):
                piece = " ".join(piece.split()).strip(" .,:;!?()·-–…“”\"'")
                if len(re.findall(r"[A-Za-z]", piece)) >= 3 and piece not in kept:
                    fragments.add(piece)
    return fragments


@pytest.mark.parametrize(("language", "locale"), list(zip(LANGUAGES, LOCALES, strict=True)))
def test_the_main_pages_show_no_untranslated_english(site, language, locale):
    fragments = english_fragments(locale)
    assert len(fragments) > 400
    for url, reader in main_pages(site):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if reader:
            client.force_login(site[reader])
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language
        text = visible_text(response.content.decode())
        left = sorted(
            fragment
            for fragment in fragments
            if re.search(rf"(?<![A-Za-z0-9_]){re.escape(fragment)}(?![A-Za-z0-9_])", text)
        )
        assert not left, f"{url} in {language} still says: {left}"


@pytest.mark.parametrize("language", ["en", *LANGUAGES])
def test_the_main_pages_render_in_every_language(site, language):
    for url, reader in main_pages(site):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if reader:
            client.force_login(site[reader])
        response = client.get(url)
        assert response.status_code == 200, url
        assert f'<html lang="{language}"' in response.content.decode()
