"""The query language: words, "phrases", -word, #tag, group:slug, user:name.

``parse`` never raises: whatever is typed becomes a ``Query`` whose
``error`` (nothing is searched) or ``notes`` (searched, with a remark)
explain what was made of it. ``TextQuery`` renders the words and phrases for
PostgreSQL (``to_tsquery``) and for SQLite (FTS5 ``MATCH``); both see only
the words of ``search.text``, so no user input reaches either syntax.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .text import Piece, bigrams, pieces

#: Longer input is refused rather than cut: a cut query finds the wrong things.
MAX_QUERY_LENGTH = 500
#: Words, phrases and tags together; each costs the database a little.
MAX_TERMS = 16
#: Index words in all phrases (a long CJK phrase is one word per character).
MAX_WORDS = 100

# Typographic quotes (an input method's, a word processor's) count as quotes.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
_TOKEN = re.compile(r'-?(?:#|group:|user:)?(?:"[^"]*"?|[^\s"]+)', re.IGNORECASE)


@dataclass(frozen=True)
class Atom:
    """One index word; ``prefix`` for a lone CJK character (see search.text)."""

    word: str
    prefix: bool = False


@dataclass(frozen=True)
class Term:
    """A word or a phrase: index words that must stand next to each other."""

    atoms: tuple[Atom, ...]
    #: What was typed, folded: for marking matches in snippets.
    pieces: tuple[Piece, ...]

    @classmethod
    def from_text(cls, text: str) -> "Term | None":
        found = tuple(pieces(text))
        atoms = []
        for piece in found:
            if piece.cjk and len(piece.text) == 1:
                atoms.append(Atom(piece.text, prefix=True))
            elif piece.cjk:
                atoms.extend(Atom(pair) for pair in bigrams(piece.text))
            else:
                atoms.append(Atom(piece.text))
        return cls(tuple(atoms), found) if atoms else None


@dataclass(frozen=True)
class TextQuery:
    """Terms that must all match, and terms none of which may."""

    include: tuple[Term, ...]
    exclude: tuple[Term, ...] = ()

    def as_tsquery(self) -> str:
        def atom(a: Atom) -> str:
            quoted = "'" + a.word.replace("\\", "\\\\").replace("'", "''") + "'"
            return quoted + (":*" if a.prefix else "")

        def term(t: Term) -> str:
            return "(" + " <-> ".join(atom(a) for a in t.atoms) + ")"

        parts = [term(t) for t in self.include] + ["!" + term(t) for t in self.exclude]
        return " & ".join(parts)

    def as_fts5(self) -> str:
        def atom(a: Atom) -> str:
            return '"' + a.word.replace('"', '""') + '"' + (" *" if a.prefix else "")

        def term(t: Term) -> str:
            return "(" + " + ".join(atom(a) for a in t.atoms) + ")"

        if not self.include:
            raise ValueError("FTS5 cannot match exclusions alone.")
        sql = "(" + " AND ".join(term(t) for t in self.include) + ")"
        if self.exclude:
            sql += " NOT (" + " OR ".join(term(t) for t in self.exclude) + ")"
        return sql


@dataclass
class Query:
    text: str = ""
    include: list[Term] = field(default_factory=list)
    exclude: list[Term] = field(default_factory=list)
    #: Tag names as typed.
    tags: list[str] = field(default_factory=list)
    exclude_tags: list[str] = field(default_factory=list)
    group: str | None = None
    exclude_groups: list[str] = field(default_factory=list)
    user: str | None = None
    exclude_users: list[str] = field(default_factory=list)
    #: Why nothing was searched, if so.
    error: str | None = None
    #: Remarks on a query that was searched all the same.
    notes: list[str] = field(default_factory=list)

    @property
    def is_blank(self) -> bool:
        return not self.text

    @property
    def has_filter(self) -> bool:
        return bool(self.include or self.tags or self.group or self.user)

    def words(self) -> TextQuery | None:
        if not self.include and not self.exclude:
            return None
        return TextQuery(tuple(self.include), tuple(self.exclude))


def clean(raw: str) -> tuple[str, bool]:
    """The query without control characters (NUL cannot even reach
    PostgreSQL), whitespace collapsed; and whether anything was removed."""
    kept = "".join(
        " " if ch.isspace() else ch for ch in raw if unicodedata.category(ch) not in {"Cc", "Cs"}
    )
    removed = len(kept) != len(raw)
    return " ".join(kept.split()), removed


def parse(raw: str) -> Query:
    if len(raw) > MAX_QUERY_LENGTH * 4:
        # Not even worth cleaning; the message is the same as below.
        raw = raw[: MAX_QUERY_LENGTH * 4]
    text, removed = clean(raw)
    query = Query(text=text)
    if removed:
        query.notes.append(_("Control characters in the search were left out."))
    if len(text) > MAX_QUERY_LENGTH:
        query.error = _("That search is too long. Use at most %(limit)d characters.") % {
            "limit": MAX_QUERY_LENGTH
        }
        return query
    for token in _TOKEN.findall(text.translate(_QUOTES)):
        _read_token(query, token)
        if query.error:
            return query
    _check(query)
    return query


def _unquote(query: Query, value: str) -> str:
    if not value.startswith('"'):
        return value
    if len(value) == 1 or not value.endswith('"'):
        query.notes.append(
            _("A closing quotation mark was missing; the phrase runs to the end of the search.")
        )
        return value[1:]
    return value[1:-1]


def _read_token(query: Query, token: str) -> None:
    negated = token.startswith("-") and len(token) > 1
    body = token[1:] if negated else token
    folded = body.casefold()
    if body.startswith("#"):
        _read_tag(query, _unquote(query, body[1:]), negated)
    elif folded.startswith("group:"):
        _read_group(query, _unquote(query, body[len("group:") :]).strip(), negated)
    elif folded.startswith("user:"):
        _read_user(query, _unquote(query, body[len("user:") :]).strip(), negated)
    else:
        term = Term.from_text(_unquote(query, body))
        if term is not None:
            (query.exclude if negated else query.include).append(term)


def _read_tag(query: Query, name: str, negated: bool) -> None:
    name = " ".join(name.split())
    if not name:
        query.notes.append(_("A # needs a tag name right after it, as in #architecture."))
    else:
        (query.exclude_tags if negated else query.tags).append(name)


def _read_group(query: Query, slug: str, negated: bool) -> None:
    if not slug:
        query.notes.append(_("group: needs a group’s short name after it, as in group:reading."))
    elif negated:
        query.exclude_groups.append(slug)
    elif query.group is None:
        query.group = slug
    elif query.group != slug:
        query.notes.append(
            _("One group at a time: searched in %(group)s only.") % {"group": query.group}
        )


def _read_user(query: Query, name: str, negated: bool) -> None:
    if not name:
        query.notes.append(_("user: needs a username after it, as in user:mei."))
    elif negated:
        query.exclude_users.append(name)
    elif query.user is None:
        query.user = name
    elif query.user != name:
        query.notes.append(
            _("One person at a time: searched %(user)s’s bookmarks only.") % {"user": query.user}
        )


def _check(query: Query) -> None:
    terms = query.include + query.exclude
    if len(terms) + len(query.tags) + len(query.exclude_tags) > MAX_TERMS:
        query.error = _(
            "That search has too many parts. Use at most %(limit)d words, phrases and tags."
        ) % {"limit": MAX_TERMS}
    elif sum(len(term.atoms) for term in terms) > MAX_WORDS:
        query.error = _("Those phrases are too long. Shorten them and search again.")
    elif query.text and not query.has_filter:
        if query.exclude or query.exclude_tags or query.exclude_groups or query.exclude_users:
            query.error = _(
                "A search cannot only leave things out. Add a word, a #tag, group: or user: "
                "to look for."
            )
        elif not query.notes:
            query.error = _("There are no words to look for in that search.")
        else:
            query.error = _("Nothing was left to look for in that search.")
