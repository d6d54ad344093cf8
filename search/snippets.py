"""Showing why a result matched: the words of the query marked in a text.

Text is escaped first and the ``<mark>`` elements are put around escaped
pieces, so whatever a note or a page contains, the only markup that comes out
is ours. Matching follows the index's rules (search.text): a Latin word is
matched whole, a CJK run anywhere, on NFKC case-folded text.
"""

import re
import unicodedata

# The standard library's escape, which Django's wraps with a check for lazy
# strings on every call: a page of results escapes hundreds of small pieces
# of text, always str. The output is the same.
from html import escape

from django.utils.safestring import SafeString, mark_safe

from .query import Term
from .text import WORD_NOT_CJK

#: Characters of context shown before and after the first match.
BEFORE, AFTER = 70, 170
#: Longer texts are shown as a passage around the first match.
MAX_WHOLE = 320
ELLIPSIS = "…"


def _term_pattern(term: Term) -> str:
    parts = []
    for piece in term.pieces:
        if piece.cjk:
            parts.append(re.escape(piece.text))
        else:
            parts.append(rf"(?<!{WORD_NOT_CJK}){re.escape(piece.text)}(?!{WORD_NOT_CJK})")
    return r"[\W_]*".join(parts)


def _folded(text: str) -> tuple[str, list[int] | None]:
    """The text folded as the index folds it, and where each folded character
    came from (None when folding kept every character in place)."""
    folded = text.casefold()
    if len(folded) == len(text) and unicodedata.is_normalized("NFKC", text):
        return folded, None
    pieces, origin = [], []
    for index, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).casefold()
        pieces.append(piece)
        origin.extend([index] * len(piece))
    origin.append(len(text))
    return "".join(pieces), origin


class Marker:
    """Marks the query's words and phrases in texts."""

    def __init__(self, terms: list[Term]):
        patterns = [_term_pattern(term) for term in terms if term.pieces]
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns)) if patterns else None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the query matches, in the text's own character offsets."""
        if self.pattern is None or not text:
            return []
        folded, origin = _folded(text)
        found = []
        for match in self.pattern.finditer(folded):
            if match.end() == match.start():
                continue
            if origin is None:
                found.append((match.start(), match.end()))
            else:
                found.append((origin[match.start()], origin[match.end() - 1] + 1))
        return found

    def matches(self, text: str) -> bool:
        return bool(self.spans(text))

    def mark(self, text: str) -> SafeString:
        """The whole text, escaped, with every match marked."""
        return _marked(text, self.spans(text))

    def passage(self, text: str) -> SafeString | None:
        """The text around its first match, marked; None if nothing matches."""
        spans = self.spans(text)
        if not spans:
            return None
        if len(text) <= MAX_WHOLE:
            return _marked(text, spans)
        first_start, first_end = spans[0]
        start = _word_start(text, max(0, first_start - BEFORE), first_start)
        end = _word_end(text, min(len(text), first_end + AFTER), first_end)
        inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
        body = _marked(text[start:end], inside)
        return mark_safe(  # noqa: S308  (the ellipses are ours, the body is escaped)
            (ELLIPSIS if start > 0 else "") + body + (ELLIPSIS if end < len(text) else "")
        )


def _marked(text: str, spans: list[tuple[int, int]]) -> SafeString:
    out, position = [], 0
    for start, end in spans:
        if start < position:  # overlapping matches: the first one wins
            continue
        out.append(escape(text[position:start]))
        out.append("<mark>" + escape(text[start:end]) + "</mark>")
        position = end
    out.append(escape(text[position:]))
    return mark_safe("".join(out))  # noqa: S308  (every piece of the text is escaped)


def _word_start(text: str, start: int, limit: int) -> int:
    """Move a cut forward to the start of a word, if one is near."""
    if start == 0:
        return 0
    space = text.find(" ", start, limit)
    return space + 1 if 0 <= space < start + 20 else start


def _word_end(text: str, end: int, limit: int) -> int:
    """Move a cut back to the end of a word, if one is near."""
    if end >= len(text):
        return len(text)
    space = text.rfind(" ", limit, end)
    return space if space > end - 20 else end


def plain(text: str, *, limit: int = MAX_WHOLE) -> SafeString:
    """The start of a text, escaped, for a result nothing was marked in."""
    if len(text) > limit:
        text = text[: _word_end(text, limit, limit // 2)] + ELLIPSIS
    return mark_safe(escape(text))  # noqa: S308  (escaped)
