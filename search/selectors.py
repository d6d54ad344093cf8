"""Reads for search: the bookmarks a query finds for a reader, counted and
paged so that a page costs about the same for a rare word and a common one.

Results start from ``groups.visibility.readable_bookmarks``: the search
index narrows that set and never widens it. A page of results costs a fixed
number of queries: the group, person and tags named in the query (one each,
when named), a bounded count, and the page with what its entries keep for
the results (search.results adds a fixed few). A count above COUNT_LIMIT is
remembered for a short while per reader (see remembered_count), so a common
word's next page, or the next anonymous reader's search for it, costs no
count.
"""

import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bookmarks.models import Bookmark, BookmarkTag, Tag
from bookmarks.tagnames import fold
from groups.models import Group, GroupShare
from groups.pagination import Window
from groups.visibility import readable_bookmarks, readable_groups

from .models import SearchEntry
from .query import Query, TextQuery

#: Results are counted up to this many, and only this many can be paged
#: through: counting every match of a common word at a million bookmarks
#: would cost more than the page itself. Narrowing the search finds the rest.
COUNT_LIMIT = 1000
#: A page of a word with more matches than COUNT_LIMIT is first looked for
#: among this many newest entries, then this many: see page_of.
RECENT_ENTRIES = (5_000, 50_000)
#: How long a search that found more than COUNT_LIMIT is remembered as such,
#: for one reader (all anonymous readers are one reader: they see the same).
#: Only "more than the limit" is kept, never a smaller count nor anything
#: found: a word that common stays that common for a minute, and a page that
#: comes out short of it is counted again (see remembered_count).
MORE_THAN_LIMIT_TTL = 60
#: How long the time of the RECENT_ENTRIES-th newest entry is kept (_recent_since).
RECENT_SINCE_TTL = 60
#: PostgreSQL cancels a search's count or page after this long: whatever plan
#: the database picks for an odd query, it cannot hold a web worker for long.
TIME_LIMIT_MS = 3000


class TooSlow(Exception):
    """The database gave up on the search at TIME_LIMIT_MS."""


@dataclass
class Found:
    #: Unordered: page_of chooses the order that suits the count.
    bookmarks: QuerySet[Bookmark] | None
    #: The group named by group:, once the reader may open it.
    group: Group | None = None
    #: Why there is nothing to show (an unknown group, person or tag).
    error: str | None = None
    #: Whether words are matched in the index (not only tags, groups, people).
    by_words: bool = False


def find(reader, query: Query) -> Found:
    """The bookmarks the query finds that the reader may open, newest first."""
    bookmarks = readable_bookmarks(reader)
    group = None
    if query.group:
        group = readable_groups(reader).filter(slug=query.group).first()
        if group is None:
            # The same words for a private group and a missing one.
            return Found(None, error=_("There is no group “%(slug)s”.") % {"slug": query.group})
        bookmarks = bookmarks.filter(_shared_into(group=group))
    if query.exclude_groups:
        bookmarks = bookmarks.exclude(
            _shared_into(group__in=readable_groups(reader).filter(slug__in=query.exclude_groups))
        )
    if query.user:
        owner = get_user_model().objects.filter(username=query.user).first()
        if owner is None:
            error = _("No one has the username “%(name)s”.") % {"name": query.user}
            return Found(None, error=error)
        bookmarks = bookmarks.filter(user=owner)
    if query.exclude_users:
        bookmarks = bookmarks.exclude(user__username__in=query.exclude_users)
    if query.tags or query.exclude_tags:
        names = query.tags + query.exclude_tags
        tags = {tag.key: tag for tag in Tag.objects.filter(key__in=[fold(n) for n in names])}
        for name in query.tags:
            tag = tags.get(fold(name))
            if tag is None:
                # No message of its own: a tag name used only on private
                # bookmarks must not be told apart from one never used.
                return Found(bookmarks.none(), group=group)
            bookmarks = bookmarks.filter(_tagged(tag))
        for name in query.exclude_tags:
            if fold(name) in tags:
                bookmarks = bookmarks.exclude(_tagged(tags[fold(name)]))
    if query.include:
        words = TextQuery(tuple(query.include), tuple(query.exclude))
        bookmarks = bookmarks.filter(search_entry__document__matches=words)
    else:
        for term in query.exclude:
            bookmarks = bookmarks.exclude(search_entry__document__matches=TextQuery((term,)))
    return Found(bookmarks, group=group, by_words=bool(query.include))


def _shared_into(**lookup) -> Q:
    """Shared into a group matching ``lookup``, made on the item's group.

    ``pk IN (…)`` rather than EXISTS: with no words to search, the database
    starts from the group's shares instead of reading every bookmark."""
    lookup = {f"item__{key}": value for key, value in lookup.items()}
    return Q(pk__in=GroupShare.objects.filter(**lookup).values("bookmark_id"))


def _tagged(tag: Tag) -> Q:
    """Has the tag: read from the link table's (tag, bookmark) index."""
    return Q(pk__in=BookmarkTag.objects.filter(tag=tag).values("bookmark_id"))


def count_of(found: Found) -> int:
    """How many, up to COUNT_LIMIT + 1 (meaning more than the limit); TooSlow
    past TIME_LIMIT_MS."""
    with time_limit():
        return found.bookmarks.order_by()[: COUNT_LIMIT + 1].count()


def remembered_count(reader, query: Query) -> int | None:
    """COUNT_LIMIT + 1 when this reader's same search found more than
    COUNT_LIMIT in the last MORE_THAN_LIMIT_TTL seconds, else None (count it).

    Counting a common word is most of a search's cost (the database reads
    matches until it has COUNT_LIMIT + 1 the reader may open), and "more than
    the limit" is all it can say about one anyway. A remembered count may have
    gone stale (matches deleted or made private, or the reader left a group,
    since): a caller that finds a page shorter than the count promised calls
    forget_count and counts again."""
    return COUNT_LIMIT + 1 if cache.get(_more_key(reader, query)) else None


def remember_count(reader, query: Query, count: int) -> None:
    """Keep a count of more than COUNT_LIMIT for remembered_count."""
    if count > COUNT_LIMIT:
        cache.set(_more_key(reader, query), True, MORE_THAN_LIMIT_TTL)


def forget_count(reader, query: Query) -> None:
    cache.delete(_more_key(reader, query))


def _more_key(reader, query: Query) -> str:
    """Per reader: what a signed-in reader's count saw (their private
    bookmarks, their private groups) is never anyone else's. The limit is in
    the key so that a different limit never reads another's verdict."""
    who = reader.pk if reader is not None and reader.is_authenticated else "anonymous"
    digest = hashlib.sha256(query.text.encode()).hexdigest()
    return f"search:more:{COUNT_LIMIT}:{who}:{digest}"


@dataclass(frozen=True)
class Hit:
    """A bookmark found, with the columns its result shows (search.results):
    read as a row, not as three models, since a page of results shows only
    these few of them."""

    pk: int
    title: str
    description: str
    url: str
    is_private: bool
    created_at: datetime
    page_id: int
    page_url: str
    page_title: str
    username: str
    display_name: str
    #: What its search entry keeps for it (search.shown); None without one.
    shown: dict | None

    @property
    def display_title(self) -> str:
        return self.title or self.page_title or self.url

    @property
    def owner_name(self) -> str:
        """As ``User.name``: the display name, else the username."""
        return self.display_name.strip() or self.username


HIT_COLUMNS = (
    "pk",
    "title",
    "description",
    "url",
    "is_private",
    "created_at",
    "page_id",
    "page__url",
    "page__title",
    "user__username",
    "user__display_name",
    "search_entry__shown",
)


def page_of(found: Found, window: Window, *, count: int) -> list[Hit]:
    """The window's page, newest first.

    The full-text index finds matches in no useful order, so the newest 20
    of 200,000 matches of a common word would mean sorting 200,000 rows;
    walking the entries newest first instead is quick for a common word and
    reads the whole table for a rare one. So a word with more than
    COUNT_LIMIT matches is looked for among the newest RECENT_ENTRIES
    entries first (the index and a range of the entries' time index,
    together): if they hold the whole page, it is the right page, as every
    entry left out is older. Otherwise, and for fewer matches, every match
    is read and sorted, which is cheap when there are few.

    That last query is the one whose cost grows with the data (a tag or a
    person alone, an odd mix of words): it runs under time_limit and may
    raise TooSlow. The looks among the newest entries are bounded by
    RECENT_ENTRIES, so the common case pays for no limit."""
    expected = window.end_index - window.offset
    if expected <= 0:
        return []
    rows = found.bookmarks.values_list(*HIT_COLUMNS)
    page = slice(window.offset, window.offset + expected)
    if found.by_words and count > COUNT_LIMIT:
        by_entry = rows.order_by("-search_entry__created_at", "-search_entry__bookmark")
        for size in RECENT_ENTRIES:
            since = _recent_since(size)
            if since is None:
                break  # fewer entries than that: sorting every match is cheap
            found_rows = _hits(by_entry.filter(search_entry__created_at__gte=since)[page])
            if len(found_rows) == expected:
                return found_rows
    with time_limit():
        return _hits(rows.order_by("-created_at", "-pk")[page])


def _hits(rows: QuerySet) -> list[Hit]:
    # A JSON column read through values_list arrives decoded on PostgreSQL
    # and SQLite alike (Django's JSONField converter).
    return [Hit(*row) for row in rows]


#: size -> (until when, the time kept): see _recent_since.
_recent_times: dict[int, tuple[float, datetime | None]] = {}


def _recent_since(size: int) -> datetime | None:
    """When the ``size``-th newest entry was made (None when there are fewer),
    kept for RECENT_SINCE_TTL in this process.

    Any time gives page_of the right page, since it only bounds where the
    first look stops: one a little stale makes that look a little longer (new
    entries since) or shorter (entries deleted), never wrong. Kept, it spares
    every search of a common word a walk over ``size`` index entries; kept in
    the process rather than the shared cache, as no process needs another's,
    it costs no round trip either."""
    until, since = _recent_times.get(size, (0.0, None))
    if until < time.monotonic():
        newest = SearchEntry.objects.order_by("-created_at", "-bookmark")
        since = newest.values_list("created_at", flat=True)[size - 1 : size].first()
        _recent_times[size] = (time.monotonic() + RECENT_SINCE_TTL, since)
    return since


@contextmanager
def time_limit() -> Iterator[None]:
    """Raise TooSlow when PostgreSQL cancels a statement run inside after
    TIME_LIMIT_MS. (SQLite serves one machine; it has no such limit.) It
    costs three statements (a transaction and the setting), so it wraps the
    searches whose cost is not bounded, not every one."""
    if connection.vendor != "postgresql":
        yield
        return
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('statement_timeout', %s, true)", [f"{TIME_LIMIT_MS}ms"]
                )
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == "57014":  # query_canceled
            raise TooSlow from error
        raise
