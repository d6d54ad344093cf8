"""Reads for the API. Every one starts from the caller's own bookmarks, so
nothing of anyone else's (private or not) is ever listed, except the public
tags posts/suggest offers as "popular"."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.db.models import Count, QuerySet, Value
from django.db.models.functions import Replace, TruncDate

from bookmarks.canonical import canonical_url, url_hash
from bookmarks.models import Bookmark, BookmarkTag, Tag
from bookmarks.tagnames import fold
from groups.visibility import readable_bookmarks

from .params import wire_key

#: Rows fetched from the database at a time while posts/all streams.
CHUNK_SIZE = 2000
#: Popular tags posts/suggest offers.
SUGGESTIONS = 10
POST_FIELDS = ("id", "url", "title", "description", "is_private", "to_read", "created_at")


@dataclass
class Post:
    id: int
    url: str
    title: str
    description: str
    is_private: bool
    to_read: bool
    created_at: datetime
    tags: list[str]


def own_bookmarks(user) -> QuerySet[Bookmark]:
    return Bookmark.objects.filter(user=user)


def bookmark_for_url(user, url: str) -> Bookmark | None:
    """The user's bookmark of this page, however its URL is written. Raises InvalidURL."""
    return own_bookmarks(user).filter(page__url_hash=url_hash(canonical_url(url))).first()


def user_tags_by_wire(user, tokens: Iterable[str]) -> dict[str, list[Tag]]:
    """The user's tags that the tokens name, by ``wire_key``: ``machine_learning``
    names both ``machine learning`` and ``machine_learning`` if the user has both."""
    keys = {wire_key(token) for token in tokens}
    if not keys:
        return {}
    found: dict[str, list[Tag]] = {}
    tags = (
        Tag.objects.annotate(wire=Replace("key", Value(" "), Value("_")))
        .filter(wire__in=keys, bookmarks__user=user)
        .distinct()
    )
    for tag in tags:
        found.setdefault(tag.wire, []).append(tag)
    return found


def with_tags(bookmarks: QuerySet[Bookmark], tokens: list[str], user) -> QuerySet[Bookmark]:
    """Bookmarks carrying every tag the tokens name (Pinboard's ``tag`` filter)."""
    if not tokens:
        return bookmarks
    found = user_tags_by_wire(user, tokens)
    for token in tokens:
        tags = found.get(wire_key(token))
        if not tags:
            return bookmarks.none()
        bookmarks = bookmarks.filter(
            pk__in=BookmarkTag.objects.filter(tag__in=tags).values("bookmark_id")
        )
    return bookmarks


def newest_first(bookmarks: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    return bookmarks.order_by("-created_at", "-id")


def posts(bookmarks: QuerySet[Bookmark]) -> Iterator[Post]:
    """The bookmarks (already ordered newest first and sliced as wanted) with
    their tags, in two queries however many there are, streamed.

    One cursor reads the bookmarks, the other their tag links in the same
    order; the two are merged as they go, so memory stays flat on a library
    of any size."""
    rows = bookmarks.values_list(*POST_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    links = (
        BookmarkTag.objects.filter(bookmark_id__in=bookmarks.values("id"))
        .order_by("-bookmark__created_at", "-bookmark_id", "id")
        .values_list("bookmark__created_at", "bookmark_id", "tag__name")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    link = next(links, None)
    for row in rows:
        post = Post(*row, tags=[])
        key = (post.created_at, post.id)
        # A link ahead of the bookmark belongs to one already passed (its
        # bookmark changed between the two reads): skip it.
        while link is not None and (link[0], link[1]) > key:
            link = next(links, None)
        while link is not None and (link[0], link[1]) == key:
            post.tags.append(link[2])
            link = next(links, None)
        yield post


def day_of_newest(bookmarks: QuerySet[Bookmark]) -> date | None:
    newest = newest_first(bookmarks).values_list("created_at", flat=True).first()
    return newest.astimezone(UTC).date() if newest else None


def on_day(bookmarks: QuerySet[Bookmark], day: date) -> QuerySet[Bookmark]:
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return bookmarks.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))


def tag_counts(user) -> list[tuple[str, int]]:
    """The user's tags with how many of their bookmarks carry each, by name,
    in one query. Tags written alike on the wire are counted as one."""
    rows = (
        BookmarkTag.objects.filter(bookmark__user=user)
        .values("tag__key", "tag__name")
        .annotate(count=Count("id"))
        .order_by("tag__key")
    )
    counts: dict[str, list] = {}
    for row in rows:
        entry = counts.setdefault(wire_key(row["tag__name"]), [row["tag__name"], 0])
        entry[1] += row["count"]
    return sorted(((name, count) for name, count in counts.values()), key=lambda p: p[0])


def date_counts(bookmarks: QuerySet[Bookmark]) -> list[tuple[str, int]]:
    """``(YYYY-MM-DD, count)`` per UTC day, newest first, in one query."""
    rows = (
        bookmarks.annotate(day=TruncDate("created_at", tzinfo=UTC))
        .values("day")
        .annotate(count=Count("id"))
        .order_by("-day")
    )
    return [(row["day"].isoformat(), row["count"]) for row in rows]


def suggested_tags(user, url: str) -> tuple[list[str], list[str]]:
    """(popular, recommended) for a URL: the tags others gave it publicly, most
    used first; and the caller's own tags for it, then those of the popular
    ones the caller uses too. Raises InvalidURL."""
    page_hash = url_hash(canonical_url(url))
    others = (
        readable_bookmarks(user)
        .filter(page__url_hash=page_hash, is_private=False)
        .exclude(user=user)
    )
    popular = list(
        BookmarkTag.objects.filter(bookmark__in=others)
        .values("tag__name")
        .annotate(uses=Count("id"))
        .order_by("-uses", "tag__key")
        .values_list("tag__name", flat=True)[:SUGGESTIONS]
    )
    own = list(
        BookmarkTag.objects.filter(bookmark__user=user, bookmark__page__url_hash=page_hash)
        .order_by("id")
        .values_list("tag__name", flat=True)
    )
    own_keys = {fold(name) for name in own}
    theirs_too = set(
        Tag.objects.filter(key__in=[fold(name) for name in popular], bookmarks__user=user)
        .values_list("key", flat=True)
        .distinct()
    )
    recommended = own + [
        name for name in popular if fold(name) in theirs_too and fold(name) not in own_keys
    ]
    return popular, recommended
