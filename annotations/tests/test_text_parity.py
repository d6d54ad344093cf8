"""The snapshot's text is defined once (bookmarks/snapshot/text.py) and
computed twice: in Python when the pipeline stores a copy, and in the browser
by static/js/reader.js over the reader's frame. On varied pages made by the
real pipeline, the two must give the same string, and offsets must mean the
same on both sides: Python counts code points, JavaScript UTF-16 units, and
the script converts."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.tests.factories import UserFactory
from bookmarks.services import save_bookmark
from bookmarks.snapshot.text import snapshot_text
from bookmarks.tests.pages import page as sample_page

from .test_reader import store_copy

pytest_plugins = ["groups.tests.browser"]

pytestmark = pytest.mark.django_db(transaction=True)

FRAME_DOC = "document.getElementById('reader-frame').contentDocument"
ASCII_WHITESPACE = re.compile("[\t\n\f\r ]+")


def html(body: str, lang: str = "en") -> str:
    head = "<head><meta charset='utf-8'><title>t</title></head>"
    return f"<!doctype html><html lang='{lang}'>{head}<body>{body}</body></html>"


PAGES = {
    "traditional chinese": html(
        "<h1>分散式系統的十個誤解</h1><p>網路是可靠的。延遲為零。頻寬無限。</p>"
        "<p>「一致性」與『可用性』之間的取捨——取決於網路分割。</p>"
        "<p><ruby>漢<rt>ㄏㄢˋ</rt></ruby>字與注音。</p>",
        "zh-Hant",
    ),
    "simplified chinese, japanese, korean": html(
        "<p>读写分离之后,最难的是让用户读到自己刚写的东西。</p>\n"
        "<p>日本語のテキスト、カタカナとひらがな。</p><p>한국어 문장입니다.</p>",
        "zh-Hans",
    ),
    "tables": html(
        "<table><caption>成績 Scores</caption>\n<thead><tr><th>名前</th> <th>点</th></tr></thead>\n"
        "<tbody>\n  <tr><td>Alice</td>\n<td>10</td></tr>\n"
        "  <tr><td>陳 美</td><td><b>9</b>.5</td></tr>"
        "</tbody></table><table><tr><td><table><tr><td>nested</td></tr></table></td></tr></table>"
    ),
    "lists": html(
        "<ul>\n  <li>one</li>\n  <li>two <b>bold</b>\n"
        "    <ol><li>two.a</li><li>two.b</li></ol></li>\n"
        "</ul><dl><dt>term</dt><dd>definition</dd><dt>詞</dt><dd>定義</dd></dl>"
    ),
    "pre": html(
        "<pre>\n\nline 1\n    line 2\tend\r\n  indented</pre><p>after</p>"
        "<pre><code>def f():\n    return  1</code></pre><pre>   </pre>"
    ),
    "spaces": html(
        "<p>  lead and trail  </p><p>nbsp&nbsp;&nbsp;twice, 全角\u3000空白, zero\u200bwidth, "
        "soft&shy;hyphen, tab\there,\r\nCRLF, form\ffeed</p><p>\u2003em\u2002en\u00a0</p>"
    ),
    "astral": html(
        "<p>𠀋𠀋 CJK Extension B, 𩸽 a fish.</p><p>Emoji 😀, a family 👩\u200d👩\u200d👧, "
        "a flag 🇹🇼, a keycap 1\ufe0f\u20e3.</p><p>Combining: e\u0301 and 한\u0300.</p>"
        "<p>𝐁𝐨𝐥𝐝 math, then plain.</p>"
    ),
    "inline": html(
        "<p>in<b>line</b>s stay <i>toge</i>ther; a<br>b; x<wbr>y; in<!-- c -->word; "
        "&lt;tag&gt; &amp;amp; &#x4e2d;&#25991;; <a href='https://example.org/'>a link</a>,"
        "<span> spaced </span>out, <code>code</code>,<sup>2</sup>,<small>small</small>.</p>"
    ),
    "minified blocks": html(
        "<div>text<p>para</p>more</div><h2>head</h2><section><p>a</p><p>b</p></section>"
        "<blockquote>quote</blockquote><figure><figcaption>cap</figcaption></figure>"
    ),
    "article with scripts and forms removed": sample_page("article.html"),
    "big5 page": sample_page("big5.html"),
    "gbk page": sample_page("gbk.html"),
}


def spans(text: str) -> list[tuple[int, int]]:
    """Offsets (code points) to check: every character alone on short texts,
    and runs of varied lengths starting throughout."""
    n = len(text)
    chosen = {(0, n)}
    for start in range(0, n, max(1, n // 60)):
        for length in (1, 2, 7, 33):
            chosen.add((start, min(n, start + length)))
    return sorted(span for span in chosen if span[0] < span[1])


@pytest.mark.parametrize("name", list(PAGES))
def test_python_and_the_browser_read_the_same_text(new_page, name):
    body = PAGES[name]
    with transaction.atomic():
        bookmark, _ = save_bookmark(
            user=UserFactory(), url="https://example.org/parity", snapshot=False
        )
        # Bytes are decoded as the fetcher would: from the page's own <meta>.
        snapshot = store_copy(bookmark.page, body)
    text = snapshot.text
    with snapshot.html.open("rb") as stored:
        assert snapshot_text(stored.read().decode()) == text  # the stored document's text
    assert text

    page = new_page()
    page.goto(reverse("annotations:read_bookmark", args=[bookmark.pk]))
    page.wait_for_function("() => document.getElementById('reader').dataset.paints")
    assert page.evaluate(f"() => CommonplaceReader.textOf({FRAME_DOC})") == text

    # Code point offsets from Python, turned into DOM ranges by the script.
    checked = spans(text)
    ranges = page.evaluate(
        f"""(spans) => spans.map(([start, end]) =>
            CommonplaceReader.rangeOf({FRAME_DOC}, start, end).toString())""",
        checked,
    )
    for (start, end), found in zip(checked, ranges, strict=True):
        assert ASCII_WHITESPACE.sub(" ", found) == text[start:end], (start, end, found)

    # A selection of each block, turned into selectors by the script.
    selectors = page.evaluate(
        f"""() => {{
        const doc = {FRAME_DOC};
        return [...doc.body.querySelectorAll('p, li, td, th, dd, pre, h1, h2, caption, rt')]
          .map(element => {{
            doc.getSelection().selectAllChildren(element);
            return CommonplaceReader.selectorsOf(doc);
          }}).filter(Boolean);
    }}"""
    )
    assert selectors
    for found in selectors:
        start, end = found["start"], found["end"]
        assert text[start:end] == found["exact"], found
        assert found["prefix"] == text[max(0, start - 32) : start]
        assert found["suffix"] == text[end : end + 32]
