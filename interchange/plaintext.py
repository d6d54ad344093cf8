"""Text without markup or control characters. Pure: no database."""

import html
import re
import warnings

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

# What an HTML parser would take for markup; "a < b" is not.
_TAG_LIKE = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>|<!--.*?-->|<![^<>]*>|<\?[^<>]*>", re.S)
# C0 and C1 controls but tab and line breaks (split on separately): they are
# no text, and they make XML (feeds, exports) invalid.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_TAGS = ("p", "div", "li", "ul", "ol", "blockquote", "pre", "tr", "h1", "h2", "h3", "h4")
NEWLINE = re.compile(r"\r\n|\r|\n")


def without_controls(text: str) -> str:
    return CONTROL.sub("", text)


def plain_text(value: str) -> str:
    """Text with any markup removed and entities decoded, whitespace tidied:
    runs of spaces collapsed, one blank line at most between paragraphs.

    Decoding may reveal markup that was escaped (``&lt;b&gt;``), so this runs
    until nothing tag-like is left: the stored text never holds markup."""
    text = value
    for _pass in range(3):
        if _TAG_LIKE.search(text):
            text = _soup_text(text)
        elif _ENTITY.search(text):
            text = html.unescape(text)
        else:
            break
    text = CONTROL.sub("", _TAG_LIKE.sub("", text))
    lines = [" ".join(line.split()) for line in NEWLINE.split(text)]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _soup_text(markup: str) -> str:
    with warnings.catch_warnings():
        # Stray fragments are not documents; bs4's guesses about them are noise.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(markup, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(_BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    return soup.get_text()
