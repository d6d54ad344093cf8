"""The parser alone: pure functions, no database."""

import codecs
from datetime import UTC, datetime

import pytest

from interchange.diigo import (
    DiigoFormatError,
    Record,
    RowError,
    Skipped,
    decode_export,
    parse_annotations,
    parse_date,
    parse_export,
    parse_tags,
    plain_text,
)

from .samples import DATA, HEADER, csv_text, row


def parse(text: str, **kwargs) -> list[Record | Skipped]:
    return list(parse_export(text, **kwargs))


def by_line(items: list[Record | Skipped]) -> dict[int, Record | Skipped]:
    return {item.line: item for item in items}


def test_messy_file_rows_and_reasons_by_physical_line():
    items = by_line(parse(decode_export((DATA / "messy.csv").read_bytes())))

    assert sorted(items) == [2, 13, 14, 15, 16, 17, 18, 19, 20]
    first = items[2]
    assert isinstance(first, Record)
    assert first.title == 'Designing "micro services"'
    assert first.tags == ("architecture", "micro services", "架构")
    assert first.notes == ("Worth rereading.", "Shared with the team.")
    assert [h.quote for h in first.highlights] == [
        "Split by business capability, not by layer.",
        "Each service owns its data & schema.",
        "Keep the contracts small.",
    ]
    assert first.highlights[0].notes == (
        "Our billing module is a good first candidate\nbecause it already has its own database.",
    )
    assert first.highlights[1].notes == ("ask ops about backups", "check the migration guide")
    assert first.highlights[2].notes == ()
    assert first.created_at == datetime(2021, 3, 4, 5, 6, 7, tzinfo=UTC)

    assert items[13].tags == () and items[13].canonical.startswith("https://xn--")
    assert items[14].tags == ("ci_cd", "devops")
    assert items[14].renamed_tags == (("ci/cd", "ci_cd"),)
    assert "no URL" in items[15].reason
    assert "javascript:alert(1)" in items[16].reason
    assert "2020-02-30 10:00:00" in items[17].reason
    assert items[18].reason == "expected 7 columns, found 4"
    assert "“..”" in items[19].reason
    assert items[20].tags == ("Reading List", "python")
    assert [h.quote for h in items[20].highlights] == ["last passage"]


def test_crlf_line_endings_keep_line_numbers():
    text = HEADER + 'A,https://example.net/a,x,,,"Highlight: one\r\ntwo",2020-01-01 00:00:00\r\n'
    text += "bad,https://example.net/b,x,,,,never\r\n"
    items = parse(text.replace("\n", "\r\n").replace("\r\r\n", "\r\n"))
    assert [item.line for item in items] == [2, 4]
    assert items[0].highlights[0].quote == "one\ntwo"


def test_bom_is_dropped_and_other_encodings_refused():
    data = codecs.BOM_UTF8 + csv_text([row(1)]).encode("utf-8")
    assert [r.url for r in parse(decode_export(data))] == ["https://example.net/pages/1"]

    with pytest.raises(DiigoFormatError, match="not UTF-8.*line 2"):
        gbk = HEADER + "標題,https://example.net/gbk,架构,,,,2020-01-01 00:00:00\n"
        decode_export(gbk.encode("gbk"))
    with pytest.raises(DiigoFormatError, match="UTF-16"):
        decode_export(csv_text([row(1)]).encode("utf-16"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n", "empty"),
        ("title,tags,description,created_at\n", "lacks the columns url;"),
        (
            "https://example.net/a,x,,,,,2020-01-01 00:00:00\n",
            "lacks the columns title, url, tags, created_at;",
        ),
    ],
)
def test_unusable_header_is_refused_before_any_row(text, message):
    with pytest.raises(DiigoFormatError, match=message):
        parse_export(text)


def test_header_names_are_matched_loosely_and_optional_columns_may_be_missing():
    items = parse(" URL ,Title,Tags,Created At\nhttps://example.net/a,A,x,2020-01-01 00:00:00\n")
    assert items[0].title == "A" and items[0].highlights == () and items[0].notes == ()


def test_unclosed_quote_running_to_the_end_loses_no_following_row():
    text = HEADER
    text += 'First,https://example.net/1,a,"unclosed description,,,2020-01-01 00:00:00\n'
    text += "Second,https://example.net/2,b,fine,,,2020-01-02 00:00:00\n"
    text += "Third,https://example.net/3,c,fine,,,2020-01-03 00:00:00\n"
    items = parse(text)
    assert isinstance(items[0], Skipped) and items[0].line == 2
    assert "unclosed quote starting at line 2" in items[0].reason
    assert [(i.line, i.title) for i in items[1:]] == [(3, "Second"), (4, "Third")]


def test_unclosed_quote_stopped_by_a_later_quote_loses_no_row():
    text = HEADER
    text += 'First,https://example.net/1,a,"unclosed,,,2020-01-01 00:00:00\n'
    text += "Second,https://example.net/2,b,fine,,,2020-01-02 00:00:00\n"
    text += 'Third,https://example.net/3,"c,d",fine,,,2020-01-03 00:00:00\n'
    items = parse(text)
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Skipped", 2),
        ("Record", 3),
        ("Record", 4),
    ]
    assert items[2].tags == ("c", "d")


def test_unclosed_quote_closed_cleanly_by_a_later_line_is_still_caught():
    # csv reads lines 2-4 as one well-formed 7-column record: the swallowed
    # row 3 shows inside a field.
    text = HEADER
    text += 'First,https://example.net/1,a,desc,,"Highlight: x,2020-01-01 00:00:00\n'
    text += "Second,https://example.net/2,b,fine,,,2020-01-02 00:00:00\n"
    text += 'Third,https://example.net/3,c,"",",2020-01-03 00:00:00\n'
    items = parse(text)
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Skipped", 2),
        ("Record", 3),
        ("Skipped", 4),
    ]
    assert all("unclosed quote" in i.reason for i in items if isinstance(i, Skipped))


def test_field_longer_than_csv_default_limit_is_read():
    long_note = "word " * 40_000  # 200,000 characters: csv's default cap is 131,072
    items = parse(csv_text([row(1, description=long_note), row(2)]))
    assert [type(i) for i in items] == [Record, Record]
    assert len(items[0].description) == len(long_note.strip())


def test_field_over_the_cap_is_a_skipped_row_even_over_several_lines():
    giant = "x" * 300 + "\n" + "Highlight: y\n" * 50
    items = parse(csv_text([row(1), row(2, annotations=giant), row(3)]), max_field_chars=200)
    assert [(type(i).__name__, i.line) for i in items] == [
        ("Record", 2),
        ("Skipped", 3),
        ("Record", 55),
    ]
    assert items[1].reason == "a field is longer than 200 characters"


def test_malformed_quoting_on_one_line_is_reported_and_reading_goes_on():
    text = HEADER + 'A,"https://example.net/a"x,t,,,,2020-01-01 00:00:00\n'
    text += "B,https://example.net/b,t,,,,2020-01-01 00:00:00\n"
    items = parse(text)
    assert items[0].line == 2 and "cannot be read as CSV" in items[0].reason
    assert items[1].title == "B"


def test_blank_lines_are_no_rows_and_extra_empty_columns_are_tolerated():
    text = HEADER + "\n,,,,,,\nA,https://example.net/a,t,,,,2020-01-01 00:00:00,,\n"
    text += "B,https://example.net/b,t,,,,2020-01-01 00:00:00,surplus\n"
    items = parse(text)
    assert items[0].line == 4 and items[0].title == "A"
    assert items[1].reason == "expected 7 columns, found 8"


def test_tags():
    assert parse_tags('architecture,"micro services",架构') == (
        ["architecture", "micro services", "架构"],
        [],
    )
    assert parse_tags("no_tag") == ([], [])
    assert parse_tags(" NO_TAG , python ") == (["python"], [])
    assert parse_tags("Python,python,PYTHON") == (["Python"], [])
    assert parse_tags("a//b") == (["a__b"], [("a//b", "a__b")])
    assert parse_tags("one\ntwo") == (["one", "two"], [])
    with pytest.raises(RowError, match="“..”"):
        parse_tags("fine,..")
    with pytest.raises(RowError, match="at most 100"):
        parse_tags("x" * 101)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-01-02 03:04:05", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        (" 2020-01-02 03:04:05 UTC", datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2024/11/14 05:48:28 +0000", datetime(2024, 11, 14, 5, 48, 28, tzinfo=UTC)),
        ("2020-01-02 03:04:05 +0800", datetime(2020, 1, 1, 19, 4, 5, tzinfo=UTC)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2020-13-01 00:00:00", "2020-01-01", "0"])
def test_bad_dates(value):
    with pytest.raises(RowError):
        parse_date(value)


def test_annotations_markers_bullets_and_run_on_notes():
    highlights, loose = parse_annotations(
        "Intro text before any marker\n"
        "- Highlight: first passage\n"
        "that continues\n"
        "Sticky notes: a note\n"
        "over two lines\n"
        "\n\n"
        "* Highlight: second passage\n"
        "Sticky Notes:\n"
        "- note one\n"
        "* note two\n"
        "Highlight: \n"
        "Sticky notes: on an empty highlight\n"
        "Highlight: first passage\n"
        "Sticky notes: more on the first"
    )
    assert [(h.quote, h.notes) for h in highlights] == [
        ("first passage\nthat continues", ("a note\nover two lines",)),
        ("second passage", ("note one", "note two")),
        ("first passage", ("more on the first",)),
    ]
    assert loose == ["Intro text before any marker", "on an empty highlight"]


def test_annotations_repeated_passage_is_one_highlight():
    highlights, _ = parse_annotations(
        "Highlight: same\nSticky notes: one\nHighlight: same\nSticky notes: two\nSticky notes: one"
    )
    assert [(h.quote, h.notes) for h in highlights] == [("same", ("one", "two"))]


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("<b>bold</b> and <i>it</i>", "bold and it"),
        ("R&amp;D &lt;3 &#x4e2d;文", "R&D <3 中文"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;text", "text"),
        ("<script>alert(1)</script>after", "after"),
        ("<p>one</p><p>two</p>line<br>break", "one\n\ntwo\nline\nbreak"),
        ("a < b and c > d", "a < b and c > d"),
        ("AT&T  spaced\tout\x07", "AT&T spaced out"),
        ("  \n\n\n  kept\n\n\n\nparagraphs  ", "kept\n\nparagraphs"),
        ("<?xml version='1.0'?><note>x</note>", "x"),
    ],
)
def test_plain_text_never_keeps_markup(raw, plain):
    assert plain_text(raw) == plain
