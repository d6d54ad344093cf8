"""Pinboard's parameters read into Python values, or an ``ApiError``.

Flags are ``yes``/``no`` (``1``/``0`` and ``true``/``false`` are accepted too:
clients send them for ``meta``). Times are read leniently: Pinboard's
``2010-12-11T19:48:02Z``, any ISO 8601 form with an offset or fraction, a
time without an offset (taken as UTC), or a bare date (midnight UTC).

Tags travel space-separated, so a space inside one of our tag names is
written as ``_`` (the rule the Netscape and Diigo files follow too): our
``machine learning`` is Pinboard's ``machine_learning``. Coming back, a name
with ``_`` is the caller's existing tag written that way if they have one, so
a client that reads a bookmark and saves it again changes none of its tags;
otherwise it is a new tag spelt as sent. A ``/``, which our names cannot
hold, becomes ``_``; commas separate tags like spaces do."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.http import QueryDict

from bookmarks.tagnames import InvalidTagName, clean_tag_name, fold

YES = frozenset({"yes", "1", "true", "on"})
NO = frozenset({"no", "0", "false", "off"})
TAG_SEPARATORS = re.compile(r"[\s,]+")
#: Pinboard filters by at most three tags.
MAX_FILTER_TAGS = 3
#: Pinboard's own limit on the tags of one bookmark.
MAX_TAGS = 100


@dataclass
class ApiError(Exception):
    """A Pinboard-style result code other than ``done``, with its HTTP status."""

    code: str
    status: int = 400


class Params:
    """The query string (and, for POST, the form body) of one call."""

    def __init__(self, query: QueryDict, form: QueryDict | None = None):
        self.query = query
        self.form = form

    def text(self, name: str, default: str = "", *, max_length: int | None = None) -> str:
        value = self.query.get(name)
        if value is None and self.form is not None:
            value = self.form.get(name)
        if value is None:
            return default
        # No database text column holds NUL (PostgreSQL refuses it outright).
        value = value.replace("\x00", "")
        if max_length is not None and len(value) > max_length:
            raise ApiError(f"{name} is too long")
        return value

    def has(self, name: str) -> bool:
        return name in self.query or (self.form is not None and name in self.form)

    def required(self, name: str, *, max_length: int | None = None) -> str:
        value = self.text(name, max_length=max_length).strip()
        if not value:
            raise ApiError(f"missing {name}")
        return value

    def flag(self, name: str, default: bool) -> bool:
        value = self.text(name).strip().lower()
        if not value:
            return default
        if value in YES:
            return True
        if value in NO:
            return False
        raise ApiError(f"invalid {name}: use yes or no")

    def integer(self, name: str, default: int | None, *, minimum: int = 0) -> int | None:
        value = self.text(name).strip()
        if not value:
            return default
        if not value.isascii() or not value.isdigit() or len(value) > 9:
            raise ApiError(f"invalid {name}")
        number = int(value)
        if number < minimum:
            raise ApiError(f"invalid {name}")
        return number

    def moment(self, name: str) -> datetime | None:
        value = self.text(name).strip()
        if not value:
            return None
        try:
            return parse_moment(value)
        except ValueError:
            raise ApiError(f"invalid {name}: use a time like 2010-12-11T19:48:02Z") from None

    def day(self, name: str) -> date | None:
        """A date, given as ``2010-12-11`` or as a whole time (clients send both)."""
        value = self.text(name).strip()
        if not value:
            return None
        try:
            return parse_moment(value).date()
        except ValueError:
            raise ApiError(f"invalid {name}: use a date like 2010-12-11") from None

    def tag_tokens(self, name: str, *, limit: int) -> list[str]:
        tokens = split_wire_tags(self.text(name, max_length=limit * 300))
        if len(tokens) > limit:
            raise ApiError(f"invalid {name}: at most {limit} tags")
        return tokens


def parse_moment(value: str) -> datetime:
    """An aware UTC datetime from Pinboard's or any ISO 8601 form. Raises ValueError."""
    text = value.strip().upper()  # Pinboard's own examples use t and z too
    if len(text) > 40:
        raise ValueError(text)
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)
    except OverflowError as exc:  # a valid date pushed past year 1 or 9999 by its offset
        raise ValueError(text) from exc


def format_moment(moment: datetime) -> str:
    """Pinboard's form: ``2010-12-11T19:48:02Z`` (UTC, whole seconds)."""
    # isoformat, not strftime: it writes year 33 as 0033, as clients expect.
    return moment.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def split_wire_tags(text: str) -> list[str]:
    """The tokens of a space- (or comma-) separated tag list, duplicates dropped."""
    tokens, seen = [], set()
    for token in TAG_SEPARATORS.split(text or ""):
        if token and fold(token) not in seen:
            seen.add(fold(token))
            tokens.append(token)
    return tokens


def wire_name(name: str) -> str:
    """How one of our tag names travels in Pinboard's space-separated lists."""
    return name.replace(" ", "_")


def wire_key(name: str) -> str:
    """The folded key of a name as it travels: ``Machine learning`` and
    ``machine_LEARNING`` share one."""
    return fold(wire_name(name))


def name_from_wire(token: str, known: dict[str, str]) -> str:
    """Our tag name for a token: the caller's existing tag written this way
    (``known`` maps ``wire_key`` to name), else the token made valid.
    Raises ApiError."""
    if wire_key(token) in known:
        return known[wire_key(token)]
    try:
        return clean_tag_name(token.replace("/", "_"))
    except InvalidTagName as exc:
        raise ApiError(f"invalid tags: {exc}") from None
