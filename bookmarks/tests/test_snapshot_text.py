"""The snapshot text rule (see bookmarks/snapshot/text.py). These cases are the
ones a browser-side implementation must agree on."""

import pytest

from bookmarks.snapshot.pipeline import build_copy
from bookmarks.snapshot.text import snapshot_text
from bookmarks.tests.pages import FakeWeb


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<p>中文的文本。日本語のテキスト、한국어</p>", "中文的文本。日本語のテキスト、한국어"),
        ("<p>第一段。</p>\n<p>第二段。</p>", "第一段。 第二段。"),
        ("<p>第一段。</p><p>第二段。</p>", "第一段。第二段。"),
        ("<p>全角\u3000空白と&nbsp;nbsp</p>", "全角\u3000空白と\xa0nbsp"),
        ("<p>𠀋 is outside the BMP</p>", "𠀋 is outside the BMP"),
        (
            "<table>\n<tr><th>名前</th>\n<th>点</th></tr>\n<tr><td>Alice</td>\n<td>10</td></tr>\n</table>",
            "名前 点 Alice 10",
        ),
        ("<ul>\n  <li>one</li>\n  <li>two <b>bold</b></li>\n</ul>", "one two bold"),
        ("<ol><li>a</li><li>b</li></ol>", "ab"),
        ("<pre>\n\nline 1\n    line 2\tend\n</pre>", "line 1 line 2 end"),
        ("<p>a<br>b</p>", "ab"),
        ("<p>  lead and trail  </p>", "lead and trail"),
        ("<p>&lt;tag&gt; &amp;amp; &#x4e2d;</p>", "<tag> &amp; 中"),
        ("<p>in<!-- comment -->word</p>", "inword"),
        ("", ""),
    ],
)
def test_the_text_of_a_body(body, text):
    assert snapshot_text(body) == text


def test_head_and_style_contribute_nothing():
    document = (
        '<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n<title>Title</title>\n'
        "<style>p{color:red}</style>\n</head>\n<body>\n<p>本文</p>\n</body>\n</html>\n"
    )
    assert snapshot_text(document) == "本文"


def copy_of(body: str):
    return build_copy(
        url="https://e.example/",
        content_type="text/html",
        charset_header="utf-8",
        body=body.encode(),
        fetch_resource=FakeWeb({}),
    )


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ("<ol><li>a</li><li>b</li></ol>", "a b"),
        ("<p>中文</p><p>日本語</p>", "中文 日本語"),
        ("<table><tr><td>1</td><td>2</td></tr></table>", "1 2"),
        ("<div>text<p>para</p>more</div>", "text para more"),
        ("<p>a<br>b</p>", "a b"),
        ("<pre><div>x</div><div>y</div></pre>", "xy"),
        ("<p>in<b>line</b>s stay</p>", "inlines stay"),
    ],
)
def test_the_pipeline_keeps_words_of_minified_blocks_apart(body, text):
    assert copy_of(body).text == text


def test_the_text_of_a_copy_is_the_text_of_its_stored_document():
    copy = copy_of(
        "<h1>見出し</h1><ul><li>一</li><li>二</li></ul><pre>\ncode\n  here</pre>"
        "<table><tr><td>x</td></tr></table>"
    )
    assert copy.text == snapshot_text(copy.html) == "見出し 一 二 code here x"


def test_pre_keeps_its_layout_in_the_copy():
    copy = copy_of("<pre>a\n  b<div>c</div></pre>")
    assert "<pre>a\n  b<div>c</div></pre>" in copy.html
