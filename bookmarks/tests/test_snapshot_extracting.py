import lxml.html
import pytest

from bookmarks.snapshot.extracting import clean_control_characters, extract_facts


def facts(html: str):
    return extract_facts(lxml.html.document_fromstring(html))


def test_the_title_is_the_documents_title_with_whitespace_collapsed():
    page = facts(
        "<html><head><title>\n  Field   notes\t</title></head><body><h1>H</h1></body></html>"
    )
    assert page.title == "Field notes"


def test_an_svg_title_is_not_the_pages_title():
    page = facts(
        '<html><head><meta property="og:title" content="OG title"></head><body>'
        "<svg><title>Icon</title></svg><h1>Heading</h1></body></html>"
    )
    assert page.title == "OG title"


def test_without_title_or_og_title_the_first_h1_is_used():
    page = facts(
        "<html><body><svg><title>Icon</title></svg><h1> First <b>heading</b></h1><h1>2</h1>"
    )
    assert page.title == "First heading"


def test_an_empty_title_falls_back():
    assert facts("<html><head><title> </title></head><body><h1>H</h1>").title == "H"


def test_a_page_without_any_title_has_an_empty_one():
    assert facts("<p>just text</p>").title == ""


@pytest.mark.parametrize(
    ("head", "description"),
    [
        ('<meta name="description" content=" One  two ">', "One two"),
        ('<meta name="Description" content="Cased">', "Cased"),
        ('<meta property="og:description" content="From OG">', "From OG"),
        (
            '<meta property="og:description" content="OG"><meta name="description" content="Meta">',
            "Meta",
        ),
        (
            '<meta name="description" content=" "><meta property="og:description" content="OG">',
            "OG",
        ),
        ("", ""),
    ],
)
def test_description_from_meta_then_open_graph(head, description):
    assert facts(f"<html><head>{head}</head><body></body></html>").description == description


def test_control_characters_are_cleaned_from_scraped_text():
    page = facts(
        "<html><head><title>A&#1;B\x07C&#x0c;D</title>"
        '<meta name="description" content="x&#27;y&#x7f;z"></head><body></body></html>'
    )
    assert (page.title, page.description) == ("ABC D", "xyz")


def test_clean_control_characters_keeps_text_whitespace_and_cjk():
    assert clean_control_characters("a\tb\nc\r\x00\x0b\x1b\x85d\ufffe 中文\f") == "a\tb\nc\rd 中文 "


def test_language_direction_and_viewport_are_read_when_plain():
    page = facts(
        '<html lang="zh-Hant-TW" dir="RTL"><head>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head></html>'
    )
    assert (page.lang, page.dir, page.viewport) == (
        "zh-Hant-TW",
        "rtl",
        "width=device-width, initial-scale=1",
    )
    odd = facts('<html lang="en&quot;x" dir="sideways"><head><meta name="viewport" content="<x>">')
    assert (odd.lang, odd.dir, odd.viewport) == ("", "", "")
