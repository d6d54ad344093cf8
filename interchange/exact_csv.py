"""Commonplace's own flavour of the Diigo CSV: Diigo's seven columns, then
``private``, ``to_read``, ``updated_at`` and ``highlight_colours``. Written by
interchange.export, read back by interchange.diigo; a file with all four extra
columns is read *exactly*, so an export re-imports with nothing lost.

Reading a real Diigo export cleans its text (markup removed, whitespace
tidied, bullets split into notes). Our own export holds plain text already,
and cleaning it again could change it (a note about ``<b>`` tags, a line that
starts with "- "), so here every cell is taken as written, with two escapes:

- a cell a spreadsheet would run as a formula starts with an apostrophe
  (interchange.formats.escape_formula), undone on reading;
- in the ``annotations`` cell each passage or note starts with a
  ``Highlight: `` or ``Sticky notes: `` line, as in Diigo's; a line of the
  text that a reader could take for such a marker or for a bullet gets a
  backslash in front, as does a line that starts with a backslash.

Notes before the first ``Highlight:`` belong to the bookmark as a whole; the
``comments`` column is left empty, since it cannot hold a note of several
lines. Pure: no database.
"""

import re
from collections.abc import Iterable

#: With all of these in the header, the file is read exactly.
EXTRA_COLUMNS = ("private", "to_read", "updated_at", "highlight_colours")

HIGHLIGHT = "Highlight: "
NOTE = "Sticky notes: "
ESCAPE = "\\"
YES, NO = "yes", "no"

# Lines Diigo's reader (diigo.parse_annotations) would take for a marker or a
# bullet, and lines that start with the escape itself.
_SPECIAL_LINE = re.compile(
    r"\s*(?:[-*•]\s*)?(?:highlights?|sticky\s*notes?)\s*:|\s*[-*•]\s|\\", re.IGNORECASE
)
_LINES = re.compile(r"(\r\n|\r|\n)")


def tags_cell(names: Iterable[str]) -> str:
    """Names joined by commas, multi-word ones quoted, as Diigo writes them."""
    return ",".join(
        '"' + name.replace('"', '""') + '"' if (" " in name or '"' in name) else name
        for name in names
    )


def flag_cell(value: bool) -> str:
    return YES if value else NO


def read_flag(cell: str) -> bool | None:
    """yes/no (also 1/0, true/false); None when the cell says nothing."""
    text = cell.strip().lower()
    if text in ("yes", "1", "true", "y"):
        return True
    if text in ("no", "0", "false", "n"):
        return False
    return None


def annotations_cell(notes: Iterable[str], highlights: Iterable[tuple[str, Iterable[str]]]) -> str:
    """The bookmark's own notes, then each passage with its notes."""
    blocks = [NOTE + _escaped(text) for text in notes]
    for quote, quote_notes in highlights:
        blocks.append(HIGHLIGHT + _escaped(quote))
        blocks.extend(NOTE + _escaped(text) for text in quote_notes)
    return "\n".join(blocks)


def _escaped(text: str) -> str:
    parts = _LINES.split(text)
    # parts alternate line, line ending, line, …; the first line follows its
    # marker, so only the lines after it can be mistaken for one.
    for index in range(2, len(parts), 2):
        if _SPECIAL_LINE.match(parts[index]):
            parts[index] = ESCAPE + parts[index]
    return "".join(parts)


def read_annotations_cell(cell: str) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(passage, its notes) in order, and the notes on the whole bookmark.
    Text outside any block (a cell edited by hand) becomes a bookmark note."""
    highlights: list[tuple[str, list[str]]] = []
    loose: list[str] = []
    current: list[str] | None = None  # the block being read: [text]
    parts = _LINES.split(cell)
    for index in range(0, len(parts), 2):
        line = parts[index]
        ending = parts[index - 1] if index else ""
        if line.startswith(HIGHLIGHT):
            current = [line[len(HIGHLIGHT) :]]
            highlights.append((current, []))
        elif line.startswith(NOTE):
            current = [line[len(NOTE) :]]
            (highlights[-1][1] if highlights else loose).append(current)
        elif current is not None:
            current.append(ending + (line[1:] if line.startswith(ESCAPE) else line))
        elif line.strip():
            current = [line]
            loose.append(current)
    return (
        [("".join(quote), ["".join(note) for note in notes]) for quote, notes in highlights],
        ["".join(note) for note in loose],
    )
