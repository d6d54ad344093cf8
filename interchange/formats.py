"""Rules every import and export format shares: which format a file is, how a
tag name crosses a format that cannot carry some of its characters, and how a
CSV cell is kept from running as a spreadsheet formula. Pure: no database."""

import csv
import re

#: Where a format cannot carry a character of a tag name, it becomes this.
REPLACEMENT = "_"
#: What a folder name, or a tag in a comma-separated list, cannot carry into
#: a tag name (bookmarks.tagnames forbids both).
FOLDER_FORBIDDEN = ",/"
#: What a tag in a space-separated list (Diigo's HTML, Pinboard's API) cannot carry.
SPACE_LIST_FORBIDDEN = re.compile(r"[\s,/]")

NETSCAPE = "netscape"
DIIGO_CSV = "diigo_csv"
#: Bytes read to tell the formats apart.
SNIFF_BYTES = 64 * 1024

_NETSCAPE_SIGNS = re.compile(rb"<!doctype\s+netscape-bookmark-file|<dl[\s>]|<dt[\s>]", re.I)


def carry_tag_name(name: str, forbidden: str | re.Pattern = FOLDER_FORBIDDEN) -> str:
    """The name with each character the format cannot carry replaced by "_":
    the same rule for folders, tag lists and exports."""
    if isinstance(forbidden, re.Pattern):
        return forbidden.sub(REPLACEMENT, name)
    return "".join(REPLACEMENT if ch in forbidden else ch for ch in name)


def sniff_format(head: bytes) -> str:
    """NETSCAPE for a bookmark file (its doctype, or DL/DT lists near the
    top), else DIIGO_CSV, whose reader says clearly what is wrong with a file
    that is neither."""
    return NETSCAPE if _NETSCAPE_SIGNS.search(head[:SNIFF_BYTES]) else DIIGO_CSV


def looks_like_csv_export(head: bytes) -> bool:
    """Whether the file's first line is a CSV header with a ``url`` column,
    as a Diigo export's is: enough to tell it from a file of another kind."""
    text = head[:SNIFF_BYTES].decode("utf-8-sig", errors="replace")
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        columns = next(csv.reader([first]), [])
    except csv.Error:
        return False
    return "url" in (column.strip().lower() for column in columns)


# --- CSV cells a spreadsheet would run ----------------------------------------

# A cell starting with one of these runs as a formula in Excel, LibreOffice
# and Google Sheets (OWASP "CSV injection"). Leading apostrophes are part of
# the pattern so that escaping stays reversible: a cell that already starts
# with "'=" gains one more apostrophe, and unescaping removes exactly one.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def escape_formula(cell: str) -> str:
    """The cell with an apostrophe in front when a spreadsheet would run it."""
    return "'" + cell if _FORMULA.match(cell) else cell


def unescape_formula(cell: str) -> str:
    """Undo escape_formula: the importer reads back exactly what was exported."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell
