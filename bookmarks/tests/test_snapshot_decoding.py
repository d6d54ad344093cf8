import random

import pytest

from bookmarks.snapshot.decoding import codec_for, decode_document, decode_stylesheet
from bookmarks.tests.pages import page


@pytest.mark.parametrize(
    ("name", "header", "expected", "charset", "source"),
    [
        ("gbk.html", None, "犇向未来，瑄玉生辉。中华人民共和国", "gb18030", "meta"),
        ("gbk.html", None, "朱镕基答记者问", "gb18030", "meta"),
        ("gb2312_with_gbk_characters.html", None, "朱镕基答记者问", "gb18030", "meta"),
        ("gb2312_with_gbk_characters.html", "gb2312", "犇向未来，瑄玉生辉", "gb18030", "header"),
        ("big5.html", None, "碁盤上的銹跡，裏面的墻。價格 €5。佢哋㗎啲", "cp950", "meta"),
        (
            "shift_jis.html",
            None,
            "①髙橋さんと﨑山さん～カタカナ、ひらがな、漢字。",
            "cp932",
            "meta",
        ),
        (
            "windows1252.html",
            None,
            "Café crème — “quoted” ‘single’ €5 naïve façade…",
            "cp1252",
            "meta",
        ),
        ("utf8_bom.html", "iso-8859-1", "Ünïcödé — 中文 ✓ 日本語", "utf-8", "bom"),
        ("unlabelled_gbk.html", None, "朱镕基同志曾经指出", "gb18030", "detected"),
    ],
)
def test_sample_pages_come_out_as_the_right_text(name, header, expected, charset, source):
    decoded = decode_document(page(name), header)
    assert expected in decoded.text
    assert "\ufffd" not in decoded.text
    assert (decoded.charset, decoded.source) == (charset, source)


def test_a_bom_wins_over_the_header_and_is_not_kept():
    decoded = decode_document(page("utf8_bom.html"), "windows-1252")
    assert decoded.text.startswith("<!DOCTYPE html>")


def test_the_header_wins_over_the_meta_tag():
    body = '<meta charset="gbk"><p>naïve 中文</p>'.encode()
    decoded = decode_document(body, "utf-8")
    assert "naïve 中文" in decoded.text
    assert decoded.source == "header"


def test_a_meta_tag_inside_a_comment_is_not_read():
    body = '<!-- <meta charset="shift_jis"> --><meta charset="gbk"><p>中文</p>'.encode("gbk")
    assert decode_document(body, None).charset == "gb18030"


def test_a_meta_tag_claiming_utf16_means_utf8():
    body = '<meta charset="utf-16"><p>ok ✓</p>'.encode()
    assert decode_document(body, None).text.endswith("ok ✓</p>")


def test_a_meta_tag_after_the_first_4_kb_is_not_read():
    body = b"<!--" + b"x" * 5000 + b'--><meta charset="gbk">' + "中文".encode("gbk")
    assert decode_document(body, None).source != "meta"


def test_unlabelled_utf8_cut_mid_character_is_still_utf8():
    body = "<p>日本語</p>".encode()[:-6]  # ends inside "語"
    decoded = decode_document(body, None)
    assert decoded.charset == "utf-8"
    assert "日本" in decoded.text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("gb2312", "gb18030"),
        ("GBK", "gb18030"),
        ("GB_2312-80", "gb18030"),
        ("x-gbk", "gb18030"),
        ("big5", "big5"),
        ("Big5-HKSCS", "big5"),
        ("Shift_JIS", "cp932"),
        ("x-sjis", "cp932"),
        ("euc-kr", "cp949"),
        ("iso-8859-1", "cp1252"),
        ("latin-1", "cp1252"),
        ("us-ascii", "cp1252"),
        ("iso-8859-9", "cp1254"),
        ('"UTF-8"', "utf-8"),
        ("utf8", "utf-8"),
        ("koi8-r", "koi8-r"),
        ("windows-1251", "cp1251"),
        ("utf-7", None),
        ("base64", None),
        ("rot13", None),
        ("no-such-charset", None),
        ("", None),
        (None, None),
    ],
)
def test_labels_map_to_what_browsers_decode_with(label, codec):
    assert codec_for(label) == codec


def test_big5_takes_both_the_euro_sign_and_hong_kong_characters():
    # cp950 has the euro sign but not 㗎; big5hkscs the other way round.
    body = "€".encode("cp950") + "㗎".encode("big5hkscs") + "碁".encode("cp950")
    assert decode_document(body, "big5").text == "€㗎碁"


def test_undecodable_bytes_become_replacement_characters():
    decoded = decode_document(b"<p>ok \xff\xfe\x80 end</p>", "utf-8")
    assert decoded.text == "<p>ok \ufffd\ufffd\ufffd end</p>"


@pytest.mark.parametrize("header", [None, "utf-8", "shift_jis", "gb2312", "big5", "utf-16"])
def test_random_bytes_never_raise(header):
    body = random.Random(7).randbytes(3000)
    assert isinstance(decode_document(body, header).text, str)


def test_plain_text_ignores_meta_like_content():
    body = '<meta charset="gbk"> 中文'.encode()
    assert decode_document(body, None, sniff_meta=False).charset == "utf-8"


def test_stylesheets_use_at_charset_then_the_page_charset():
    assert decode_stylesheet(
        '@charset "gbk";a{content:"中"}'.encode("gbk"), None, "utf-8"
    ).endswith('"中"}')
    assert decode_stylesheet('a{content:"中"}'.encode("gbk"), None, "gb18030") == 'a{content:"中"}'
    assert decode_stylesheet('a{content:"中"}'.encode(), "utf-8", "gb18030") == 'a{content:"中"}'
    # The page's charset as decode_document reports it ("cp950") still gets the Big5 superset.
    hong_kong = 'a{content:"€㗎"}'.encode("cp950", "ignore") + "㗎".encode("big5hkscs")
    assert decode_stylesheet(hong_kong, None, "cp950") == 'a{content:"€"}㗎'
