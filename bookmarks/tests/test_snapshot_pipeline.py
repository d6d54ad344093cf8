import hashlib
import random
import re

import lxml.html
import pytest

from bookmarks.snapshot.pipeline import build_copy
from bookmarks.tests.pages import GIF, PNG, FakeWeb, page

PAGE_URL = "https://example.org/blog/field-notes"
LOGO = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b'<script>alert(1)</script><image href="https://evil.example/x.png"/><circle r="5"/></svg>'
)


def article_web() -> FakeWeb:
    """The resources article.html asks for (its <base> is https://example.org/blog/)."""
    return FakeWeb(
        {
            "https://example.org/css/site.css": (
                "text/css",
                b'@import "print.css" print;\n@font-face{font-family:X;src:url(/fonts/x.woff2)}\n'
                b"body{background:url(../img/dot.gif)} .logo{background:url(https://evil.example/t.png)}",
            ),
            "https://example.org/css/print.css": ("text/css", b"body{color:black}"),
            "https://example.org/blog/img/photo.png": ("image/png", PNG),
            "https://example.org/blog/img/huge.png": ("image/png", PNG + b"\0" * 5000),
            "https://example.org/blog/img/logo.svg": ("image/svg+xml", LOGO),
            "https://example.org/blog/img/not-an-image.png": ("text/html", b"<p>nope</p>"),
            "https://example.org/blog/img/chart.gif": ("image/gif", GIF),
            "https://example.org/blog/img/hero.jpg": (
                "image/jpeg",
                b"\xff\xd8\xff\xe0" + bytes(100),
            ),
            "https://example.org/blog/img/dot.gif": ("image/gif", GIF),
            "https://example.org/img/dot.gif": ("image/gif", GIF),
        }
    )


def article_copy(web=None, **kwargs):
    return build_copy(
        url=PAGE_URL,
        content_type="text/html; charset=utf-8",
        charset_header=None,
        body=page("article.html"),
        fetch_resource=web or article_web(),
        max_resource_bytes=4000,
        **kwargs,
    )


def copy_of(body: bytes, content_type="text/html", charset_header=None, web=None, url=None):
    return build_copy(
        url=url or "https://e.example/",
        content_type=content_type,
        charset_header=charset_header,
        body=body,
        fetch_resource=web if web is not None else FakeWeb({}),
    )


def outside_references(html: str) -> list[str]:
    """Every http(s) URL the document could load: anything but <a href>."""
    root = lxml.html.document_fromstring(html)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if re.search("https?://", value, re.I) and (element.tag, name) != ("a", "href"):
                found.append(f"<{element.tag} {name}={value[:60]}>")
        if element.tag == "style" and re.search("https?://", element.text or "", re.I):
            found.append(f"<style>{element.text[:60]}")
    return found


def test_the_copy_makes_no_outside_request():
    copy = article_copy()
    assert copy.kind == "html"
    assert outside_references(copy.html) == []


def test_the_outside_references_check_would_see_a_leak():
    assert outside_references('<p style="background:url(https://e.example/x)">') != []
    assert outside_references("<style>p{background:url(http://e.example/x)}</style>") != []
    assert outside_references('<img src="https://e.example/x">') != []
    assert outside_references('<a href="https://e.example/">ok</a>') == []


def test_nothing_that_runs_submits_or_frames_survives():
    html = article_copy().html.lower()
    for gone in (
        "<script", "onload", "onclick", "onerror", "javascript:", "vbscript:", "<form",
        "<input", "<textarea", "<button", "<select", "<iframe", "<frame", "<embed", "<object",
        "<applet", "<svg", "<math", "<link", "<base", "http-equiv", "expression(", "behavior",
        "<video", "<noscript", "evil.example", "prefilled secret",
    ):  # fmt: skip
        assert gone not in html, gone


def test_structure_text_and_links_are_kept():
    copy = article_copy()
    root = lxml.html.document_fromstring(copy.html)
    assert root.get("lang") == "en"
    assert root.find("body").get("class") == "post"
    assert [h.text_content() for h in root.iter("h1", "h2")] == ["Field notes", "Section two"]
    links = {a.text_content(): a.get("href") for a in root.iter("a")}
    assert links["outside link"] == "https://other.example/page?q=1"
    assert links["Home"] == "https://example.org/"
    assert links["jump"] == "https://example.org/blog/#section-2"  # <base> was honoured
    assert links["script link"] is None
    assert links["data link"] is None
    assert {a.get("rel") for a in root.iter("a")} == {"noopener noreferrer nofollow"}
    assert root.find(".//table/caption").text == "Results"
    assert root.find(".//ol").get("start") == "3"
    assert root.find(".//pre/code").text == 'def hello():\n    return "world"'
    assert root.find(".//figure/figcaption").text == "Figure 1: a chart"


def test_images_are_inlined_or_give_way_to_their_alt_text():
    copy = article_copy()
    root = lxml.html.document_fromstring(copy.html)
    images = {img.get("alt"): img.get("src") for img in root.iter("img")}
    assert set(images) == {
        "Photo", "The same photo again", "Logo", "Srcset only", "In a picture", "Chart",
        "Noscript photo",
    }  # fmt: skip
    assert all(src.startswith("data:image/") for src in images.values())
    assert images["Logo"].startswith("data:image/svg+xml;base64,")
    for dropped in ("Huge photo", "Missing photo", "Not an image"):
        assert dropped in copy.text
    assert root.find(".//img").get("width") == "10"


def test_stylesheets_are_inlined_cleaned_and_in_order():
    styles = [
        style.text for style in lxml.html.document_fromstring(article_copy().html).iter("style")
    ]
    assert len(styles) == 3
    site, printed, inline = styles
    assert site.startswith('@media print{body{color:black}}\nbody{background:url("data:image/gif;')
    assert ".logo{}" in site
    assert "font-face" not in site
    assert printed == "@media print{body{color:black}}"
    assert inline.startswith('.hero{background:url("data:image/jpeg;base64,')
    assert inline.endswith("center / cover;color:#123}\n.evil{}")


def test_each_resource_is_fetched_once_and_only_what_is_used():
    web = article_web()
    article_copy(web)
    assert sorted(web.requests) == sorted(set(web.requests))
    assert "https://example.org/css/alternate.css" not in web.requests
    assert "https://example.org/favicon.ico" not in web.requests
    assert "https://example.org/fonts/body.woff2" not in web.requests
    # Scripts, frames, plugins and media are never fetched (a CSS image may be: it is tried).
    for never in ("tracker.example", "frame", ".swf", "media.example", "x.woff2"):
        assert not any(never in url for url in web.requests), never


def test_facts_and_notes():
    copy = article_copy()
    assert copy.title == "Field notes: the & everything page"
    assert copy.description == "A page with everything a cached copy must survive."
    assert copy.charset == "utf-8"
    assert "removed 4 × <script> (not allowed in a copy)" in copy.notes
    assert "removed 1 × meta refresh (not allowed in a copy)" in copy.notes
    assert "removed 1 × @font-face (fonts are not kept)" in copy.notes
    assert (
        "dropped image https://example.org/blog/img/missing.png: "
        "404 for https://example.org/blog/img/missing.png"
    ) in copy.notes


def test_the_copy_is_deterministic_and_hashed():
    first, second = article_copy(), article_copy()
    assert first.html == second.html
    assert first.stored_bytes == first.html.encode("utf-8")
    assert first.sha256 == hashlib.sha256(first.stored_bytes).hexdigest() == second.sha256
    assert first.size == len(first.stored_bytes)


def test_the_document_is_our_own():
    html = article_copy().html
    assert html.startswith(
        '<!DOCTYPE html>\n<html lang="en" class="no-js">\n<head>\n<meta charset="utf-8">\n'
    )
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize(
    ("name", "title", "text"),
    [
        ("gbk.html", "朱镕基答记者问", "朱镕基答记者问 犇向未来，瑄玉生辉。中华人民共和国"),
        ("gb2312_with_gbk_characters.html", "朱镕基答记者问", "犇向未来，瑄玉生辉。中华人民共和国"),
        ("big5.html", "香港新聞", "碁盤上的銹跡，裏面的墻。價格 €5。佢哋㗎啲"),
        ("shift_jis.html", "日本語のページ", "①髙橋さんと﨑山さん～カタカナ、ひらがな、漢字。"),
        ("windows1252.html", "Café crème", "Café crème — “quoted” ‘single’ €5 naïve façade…"),
        ("utf8_bom.html", "Ünïcödé ✓", "Ünïcödé — 中文 ✓ 日本語"),
    ],
)
def test_pages_in_legacy_encodings_come_out_as_utf8(name, title, text):
    copy = copy_of(page(name))
    assert (copy.title, copy.text) == (title, text)
    assert text.split(" ")[-1] in copy.stored_bytes.decode("utf-8")
    assert '<meta charset="utf-8">' in copy.html
    assert copy.html.count("<meta") == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        ("image/png", PNG),
        ("application/json", b'{"a": "<script>"}'),
        ("", b"\x00\x01binary"),
    ],
)
def test_other_responses_are_kept_as_files(content_type, body):
    web = FakeWeb({})
    copy = copy_of(body, content_type, web=web)
    assert (copy.kind, copy.file_body, copy.html, copy.text) == ("file", body, "", "")
    assert copy.content_type == (content_type or "application/octet-stream")
    assert copy.stored_bytes == body
    assert copy.sha256 == hashlib.sha256(body).hexdigest()
    assert web.requests == []


def test_plain_text_is_kept_as_a_file_with_its_text():
    body = "第一行\n\n第二行\x07 <b>not html</b>".encode("gbk")
    copy = copy_of(body, "text/plain; charset=GBK")
    assert (copy.kind, copy.charset) == ("file", "gb18030")
    assert copy.text == "第一行 第二行 <b>not html</b>"
    assert copy.file_body == body


@pytest.mark.parametrize(
    ("content_type", "body"), [("text/html", b""), ("text/html", b" \n "), ("", b"")]
)
def test_an_empty_page_is_an_empty_document(content_type, body):
    copy = copy_of(body, content_type)
    assert (copy.kind, copy.text, copy.title) == ("html", "", "")
    assert "<body>\n\n</body>" in copy.html


def test_html_without_a_content_type_is_recognised():
    copy = copy_of(b"<!doctype html><p>Hi", content_type=None)
    assert (copy.kind, copy.text) == ("html", "Hi")


@pytest.mark.parametrize(
    "body",
    [
        b"<p>unclosed <b>bold <i>italic <table><td>cell",
        b"<html><head><title>t</title><body><div><div><div></span></p></html></html>",
        b"</p></div>>>><<<<!--",
        b"<frameset><frame src='https://e.example/'></frameset>",
        b"<" * 5000 + b"div>" * 3000,
        random.Random(1).randbytes(20000),
        bytes(range(256)) * 10,
    ],
)
def test_malformed_pages_still_make_a_document(body):
    copy = copy_of(body)
    assert copy.kind == "html"
    assert copy.html.startswith("<!DOCTYPE html>")
    assert outside_references(copy.html) == []
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f]", copy.html + copy.title + copy.text)


def test_a_stylesheet_url_resolves_against_the_stylesheet():
    web = FakeWeb(
        {
            "https://cdn.example/css/a.css": ("text/css", b"p{background:url(../img/p.gif)}"),
            "https://cdn.example/img/p.gif": ("image/gif", GIF),
        }
    )
    html = '<link rel="stylesheet" href="https://cdn.example/css/a.css"><p>x</p>'
    copy = copy_of(html.encode(), web=web, url="https://e.example/post")
    assert web.requests == ["https://cdn.example/css/a.css", "https://cdn.example/img/p.gif"]
    assert '<style>p{background:url("data:image/gif;base64,' in copy.html


def test_the_budget_settings_apply_by_default(settings):
    settings.SNAPSHOT_MAX_RESOURCE_BYTES = len(PNG) - 1
    web = FakeWeb({"https://e.example/a.png": ("image/png", PNG)})
    copy = copy_of(b'<img src="a.png" alt="Alt">', web=web)
    assert copy.text == "Alt"
    assert "<img" not in copy.html


def test_a_control_character_reference_does_not_reach_the_copy():
    copy = copy_of(b"<title>a&#1;b</title><p>c&#2;d\x03e</p>")
    assert (copy.title, copy.text) == ("ab", "cde")
    assert "&#" not in copy.html
