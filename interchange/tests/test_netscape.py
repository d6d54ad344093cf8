"""The Netscape bookmark file reader alone: no database."""

import io
from datetime import UTC, datetime

import pytest

from interchange.diigo import Record, Skipped
from interchange.netscape import (
    COMMA,
    SPACE,
    NetscapeReader,
    check_file,
    parse_timestamp,
)

from .samples import DATA


def opener(data: bytes):
    return lambda: io.BytesIO(data)


def read(data: bytes | str, **options):
    if isinstance(data, str):
        data = data.encode()
    separator = options.pop("separator", "auto")
    check = check_file(opener(data), separator=separator)
    reader = NetscapeReader(opener(data), check, **options)
    return check, reader, list(reader)


def read_sample(name: str, **options):
    return read((DATA / f"{name}.html").read_bytes(), **options)


def records(items) -> dict[str, Record]:
    return {item.canonical: item for item in items if isinstance(item, Record)}


def at(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def test_firefox_export():
    check, reader, items = read_sample("firefox")

    assert (check.entries, check.separator, check.separator_reason) == (9, COMMA, "comma-found")
    found = records(items)
    compost = found["https://garden.example.org/compost/starting"]
    assert compost.line == 12
    assert compost.title == "Starting a compost heap & keeping it warm"
    assert compost.description == (
        "Layers of green and brown; turn it every two weeks.\n"
        "Keep it as damp as a wrung-out sponge."
    )
    assert compost.tags == ("garden", "compost")
    assert (compost.created_at, compost.modified_at) == (at(1609502400), at(1609588800))
    assert (compost.is_private, compost.to_read) == (None, None)
    # Folders, one tag per level; "/" and "," in their names become "_".
    walking = found["https://essays.example.com/on-walking"]
    assert walking.tags == ("Reading", "Later_Soon")
    assert walking.description == "Marked up as <b>bold</b> in the original."
    assert found["https://tools.example.io/regex"].tags == ("regex", "dev", "Tools_ misc")
    assert reader.folder_renames == [
        (18, "Later/Soon", "Later_Soon"),
        (31, "Tools, misc", "Tools_ misc"),
    ]
    # The browser's own top folders are no tags; a tag given twice is one.
    assert found["https://weather.example.com/forecast?city=Taipei&days=7"].tags == ("weather",)
    assert found["https://recipes.example.org/dumplings"].tags == ("cooking", "水餃")
    assert found["https://zh.example.org/文章/茶道"].title == "茶道的歷史與現在"
    skipped = [item for item in items if isinstance(item, Skipped)]
    assert [s.line for s in skipped] == [28, 30]
    assert "place:sort=8&maxResults=10" in skipped[0].reason
    assert "javascript:" in skipped[1].reason


def test_folders_can_stay_out_of_the_tags():
    _check, reader, items = read_sample("firefox", folders_as_tags=False)
    found = records(items)
    assert found["https://essays.example.com/on-walking"].tags == ()
    assert found["https://books.example.net/review/the-long-winter"].tags == ("books", "long reads")
    assert reader.folder_renames == []


def test_chromium_export():
    check, _reader, items = read_sample("chromium")
    assert (check.entries, check.separator, check.separator_reason) == (8, COMMA, "default")
    found = records(items)
    assert found["https://docs.example.com/rfc/42"].tags == ("Work", "Design docs")
    rfc43 = found["https://docs.example.com/rfc/43"]
    assert rfc43.url == "https://docs.example.com/rfc/43#section-2"
    assert rfc43.title == "RFC 43: 分層快取"
    # No LAST_MODIFIED on links: the time added is the time of the last change.
    assert rfc43.created_at == rfc43.modified_at == at(1650005000)
    assert found["https://mail.example.com/"].tags == ()  # the bookmarks bar is no tag
    assert found["https://home.example.org/photos/"].url == "https://HOME.Example.org:443/photos/"
    assert found["https://transit.example.net/timetable/bus-12"].tags == ("Mobile bookmarks",)
    assert [s.line for s in items if isinstance(s, Skipped)] == [21]


def test_pinboard_export():
    check, _reader, items = read_sample("pinboard")
    assert check.separator == COMMA
    found = records(items)
    caching = found["https://blog.example.com/2019/caching-layers"]
    assert caching.tags == ("caching", "architecture", "性能")
    assert (caching.is_private, caching.to_read) == (False, False)
    assert caching.description == "Every layer hid a bug from the one above it."
    consensus = found["https://papers.example.edu/consensus.pdf"]
    assert (consensus.is_private, consensus.to_read) == (True, True)
    assert consensus.tags == ("papers", "distributed systems")
    assert found["https://podcast.example.fm/episodes/88"].tags == ()
    rsync = found["https://snippets.example.dev/shell/rsync"]
    assert rsync.tags == ("shell", "ops_backup")
    assert rsync.renamed_tags == (("ops/backup", "ops_backup"),)


def test_linkding_export():
    _check, _reader, items = read_sample("linkding")
    found = records(items)
    backup = found["https://selfhost.example.org/backup-strategy"]
    assert (backup.is_private, backup.to_read) == (True, False)
    assert backup.modified_at == at(1695000000)
    assert found["https://typography.example.com/line-length"].to_read is True
    assert (
        found["https://lang.example.jp/日本語/助詞"].description == "は and が, with many examples."
    )


def test_diigo_export_is_space_separated_and_undated():
    check, reader, items = read_sample("diigo")
    assert (check.separator, check.separator_reason) == (SPACE, "diigo")
    found = records(items)
    sourcing = found["https://architecture.example.com/event-sourcing"]
    assert sourcing.tags == ("architecture", "event-sourcing", "架構")
    assert sourcing.modified_at is None
    assert sourcing.created_at == reader.now
    assert found["https://notes.example.net/queueing-theory"].tags == ("maths", "queues_theory")
    assert reader.undated == 3


def test_the_separator_can_be_chosen():
    text = '<DL><DT><A HREF="https://a.example/" TAGS="one two">A</A></DL>'
    check, _reader, items = read(text)
    assert (check.separator, items[0].tags) == (COMMA, ("one two",))
    check, _reader, items = read(text, separator=SPACE)
    assert (check.separator_reason, items[0].tags) == ("chosen", ("one", "two"))
    # In a space-separated list a comma cannot be carried either.
    _check, _reader, items = read(text.replace("one two", "a,b c/d"), separator=SPACE)
    assert items[0].tags == ("a_b", "c_d")
    assert items[0].renamed_tags == (("a,b", "a_b"), ("c/d", "c_d"))


def test_lenient_markup():
    """Lower-case tags and attributes, nothing closed, DD before the next DT,
    entities, a DD after a folder, and a link with no end tag."""
    text = (
        "<dl><p>\n"
        "<dt><h3 add_date=1>Folder<dd>about the folder\n"
        "<dl><p>\n"
        '<dt><a href="https://a.example/x?a=1&amp;b=2" add_date="1600000000000">A &lt;1&gt;</a>\n'
        "<dd>first line<br>second line\n"
        '<dt><A Href="https://b.example/" TaGs="t">B, never closed\n'
        "<dd>about B\n"
        "</dl>\n"
        '<dt><a href="https://c.example/">C</a>\n'
    )
    _check, _reader, items = read(text)
    a, b, c = items
    assert (a.url, a.title, a.tags) == ("https://a.example/x?a=1&b=2", "A <1>", ("Folder",))
    assert a.description == "first line\nsecond line"
    assert a.created_at == at(1600000000)  # milliseconds
    assert (b.title, b.description, b.tags) == ("B, never closed", "about B", ("t", "Folder"))
    assert (c.tags, c.description) == ((), "")


def test_bad_dates_and_tags_are_left_out_with_a_remark():
    text = (
        '<DL><DT><A HREF="https://a.example/" ADD_DATE="yesterday" LAST_MODIFIED="99999999999" '
        'TAGS="ok,..,' + "x" * 101 + '">A</A></DL>'
    )
    _check, reader, (record,) = read(text)
    assert record.tags == ("ok",)
    assert record.modified_at is None and record.created_at == reader.now
    assert len(record.warnings) == 4
    text = "\n".join(record.warnings)
    assert "ADD_DATE=“yesterday” is not a date" in text
    assert "LAST_MODIFIED=“99999999999” is not a date" in text
    assert "the tag “..” was left out" in text
    assert "at most 100 characters" in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1600000000", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("1600000000123", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("1600000000123456", datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)),
        ("0", None),
        ("-5", None),
        ("", None),
        ("١٦٠٠٠٠٠٠٠٠", None),  # digits, but not ASCII ones
        ("9" * 30, None),
        ("4102444800", None),  # 2100: ahead of now
    ],
)
def test_timestamps(text, expected):
    assert parse_timestamp(text, now=datetime(2030, 1, 1, tzinfo=UTC)) == expected
