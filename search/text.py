"""Text as the search index sees it, the same on PostgreSQL and SQLite.

Python decides what a word is, for documents and queries alike; the
database only ever sees words separated by spaces:

- NFKC, then case folding (``Ｋｕｂｅ`` and ``KUBE`` are ``kube``);
- a word is a run of letters, digits and combining marks (no underscore);
- a run of CJK characters becomes its overlapping bigrams, because neither
  PostgreSQL's parser nor SQLite's unicode61 tokenizer splits Chinese or
  Japanese into words: ``微服务架构设计`` is indexed as ``微服 服务 务架 架构
  构设 设计``, so ``架构`` is found inside it, and a query of several
  characters is the phrase of its bigrams. A single character is a prefix
  query (``架`` matches ``架构``); so that it also finds a run's last
  character, each run's last character is added once more at the end of
  the document, after all positions a phrase could use.
"""

import re
import unicodedata
from dataclasses import dataclass

#: Longer "words" are hashes and encoded blobs; PostgreSQL refuses lexemes
#: over 2 KB anyway. Dropped from documents and queries alike.
MAX_WORD_LENGTH = 64

_CJK_RANGES = (
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana extensions
    (0x3400, 0x4DBF),  # CJK Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs (NFKC maps most away)
    (0x20000, 0x323AF),  # CJK Extensions B to H
)
_CJK_CLASS = "".join(f"{chr(low)}-{chr(high)}" for low, high in _CJK_RANGES)


def _mark_class() -> str:
    # Python's \w leaves out combining marks, which would cut words of many
    # scripts (Hindi, Thai, Hebrew points) in pieces; re has no \p{M}.
    marks = [cp for cp in range(0x30000) if unicodedata.category(chr(cp)) in {"Mn", "Mc", "Me"}]
    ranges, start, prev = [], marks[0], marks[0]
    for cp in marks[1:]:
        if cp != prev + 1:
            ranges.append((start, prev))
            start = cp
        prev = cp
    ranges.append((start, prev))
    return "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)


_MARKS = _mark_class()
#: A word: letters, digits and marks, underscore excluded.
WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+")
_CJK_OR_NOT = re.compile(rf"[{_CJK_CLASS}]+|[^{_CJK_CLASS}]+")
CJK_CHAR = re.compile(rf"[{_CJK_CLASS}]")
#: A word character that is not CJK: what must not touch a Latin word's ends.
WORD_NOT_CJK = rf"(?:[^\W_{_CJK_CLASS}]|[{_MARKS}])"


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Piece:
    """A word as typed (folded), or a run of CJK characters."""

    text: str
    cjk: bool


def pieces(text: str) -> list[Piece]:
    """The folded words of a text, CJK runs apart from what surrounds them."""
    found = []
    for word in WORD.findall(fold(text)):
        for part in _CJK_OR_NOT.findall(word):
            cjk = bool(CJK_CHAR.match(part))
            if cjk or len(part) <= MAX_WORD_LENGTH:
                found.append(Piece(part, cjk))
    return found


def bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)] or [run]


def index_words(text: str) -> tuple[list[str], list[str]]:
    """The words a text contributes to a document, and the CJK run ends to add at its end."""
    words, ends = [], []
    for piece in pieces(text):
        if piece.cjk:
            words.extend(bigrams(piece.text))
            if len(piece.text) > 1:
                ends.append(piece.text[-1])
        else:
            words.append(piece.text)
    return words, ends


def document(parts: list[str]) -> str:
    """One document from several texts: their words, then the run ends."""
    words, ends = [], {}
    for part in parts:
        part_words, part_ends = index_words(part)
        words.extend(part_words)
        ends.update(dict.fromkeys(part_ends))
    return " ".join(words + list(ends))
