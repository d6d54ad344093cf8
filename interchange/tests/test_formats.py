"""The rules every format shares, and our own CSV flavour's cells."""

import pytest

from interchange.exact_csv import annotations_cell, read_annotations_cell, read_flag, tags_cell
from interchange.formats import (
    DIIGO_CSV,
    NETSCAPE,
    SPACE_LIST_FORBIDDEN,
    carry_tag_name,
    escape_formula,
    looks_like_csv_export,
    sniff_format,
    unescape_formula,
)


@pytest.mark.parametrize(
    ("cell", "escaped"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@handle", "'@handle"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already", "''=already"),
        ("''+twice", "'''+twice"),
        ("plain", "plain"),
        ("'quoted", "'quoted"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_formula_escaping_is_reversible(cell, escaped):
    assert escape_formula(cell) == escaped
    assert unescape_formula(escaped) == cell


def test_the_underscore_rule():
    assert carry_tag_name("ops/backup") == "ops_backup"
    assert carry_tag_name("Tools, misc") == "Tools_ misc"
    assert carry_tag_name("machine learning", SPACE_LIST_FORBIDDEN) == "machine_learning"
    assert carry_tag_name("架構 設計/a,b", SPACE_LIST_FORBIDDEN) == "架構_設計_a_b"


def test_sniffing():
    assert sniff_format(b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n") == NETSCAPE
    assert sniff_format(b"\xef\xbb\xbf<html><DL><p><DT><A HREF=x>") == NETSCAPE
    assert sniff_format(b"title,url,tags\n") == DIIGO_CSV
    assert looks_like_csv_export(b"\xef\xbb\xbftitle,url,tags\nA,https://a/,b\n")
    assert not looks_like_csv_export(b"Dear diary, today I found a URL.")
    assert not looks_like_csv_export(b"just text")


def test_our_annotations_cell_reads_back_exactly():
    notes = ["on the page", "two\nlines\r\n- and a dash\n\\ and a backslash\n"]
    highlights = [
        ("Highlight: a quote about highlights", ["Sticky notes: a note about notes", "ok"]),
        ("  spaced\n* starred", []),
    ]
    cell = annotations_cell(notes, highlights)
    assert read_annotations_cell(cell) == (
        [(quote, list(texts)) for quote, texts in highlights],
        notes,
    )
    assert "\n\\- and a dash" in cell and "\n\\* starred" in cell


def test_flags_and_tags():
    assert [read_flag(v) for v in ("yes", "NO", "1", "0", "", "maybe")] == [
        True,
        False,
        True,
        False,
        None,
        None,
    ]
    assert tags_cell(["a", "micro services", 'say "hi"']) == 'a,"micro services","say ""hi"""'
