"""What each result shows: its title and the passage that matched, marked,
its tags, and where it leads. A fixed number of queries for a page of any
size: which of them the reader may read (checked again) with their
highlights, sticky notes, tags, group items and cached text, one each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Tag
from groups.models import Group, GroupShare

from .indexing import cached_texts
from .query import Query
from .snippets import Marker, plain

#: Characters of a result's address shown under its title.
SHOWN_URL_LENGTH = 100


@dataclass
class Result:
    bookmark: Bookmark
    #: Where the title leads: the group item under group:, else the bookmark.
    url: str
    title: SafeString
    #: "highlight", "note", "description" or "cached": where the snippet is from.
    kind: str = ""
    snippet: SafeString | None = None
    #: For a sticky note on a highlight: the highlight's quote.
    context: SafeString | None = None
    #: (tag name, the search for that tag), by tag key.
    tags: list[tuple[str, str]] = field(default_factory=list)
    #: The start of the page's address, as shown under the title.
    shown_url: str = ""
    #: When it was saved, in the reader's time zone: as shown, and for <time>.
    saved_on: str = ""
    saved_at: str = ""


def results(bookmarks: list[Bookmark], query: Query, group: Group | None) -> list[Result]:
    """Each bookmark of a page of results with its snippet and tags.

    ``bookmarks`` are a page of ``search.selectors.find``'s, which only
    finds what the reader may open: their highlights, sticky notes and tags
    travel with them, and are read here by their ids. Rows are read as
    tuples, not models: a page shows some hundred highlights, notes and tags,
    and only a few of their columns."""
    ids = [bookmark.pk for bookmark in bookmarks]
    marker = Marker(query.include)
    highlights, notes, tags = defaultdict(list), defaultdict(list), defaultdict(list)
    for bookmark_id, pk, quote in (
        Highlight.objects.filter(bookmark_id__in=ids)
        .order_by("bookmark_id", "ordinal", "pk")
        .values_list("bookmark_id", "pk", "quote")
    ):
        highlights[bookmark_id].append((pk, quote))
    for bookmark_id, highlight_id, text in (
        Note.objects.filter(bookmark_id__in=ids)
        .order_by("created_at", "pk")
        .values_list("bookmark_id", "highlight_id", "text")
    ):
        notes[bookmark_id].append((highlight_id, text))
    # Each link's tag read by its primary key: PostgreSQL would join the
    # links to the tags by hashing the whole tag table.
    tag = Tag.objects.filter(pk=OuterRef("tag_id"))
    for bookmark_id, name, key in BookmarkTag.objects.filter(bookmark_id__in=ids).values_list(
        "bookmark_id", Subquery(tag.values("name")), Subquery(tag.values("key"))
    ):
        tags[bookmark_id].append((key, name))
    items = {}
    if group is not None:
        items = dict(
            GroupShare.objects.filter(bookmark_id__in=ids, item__group=group).values_list(
                "bookmark_id", "item_id"
            )
        )
    searches = reverse("search:results") + "?"
    # Formatted here, not by template filters: a third of a page's rendering
    # went to twenty dates and addresses.
    date_format = gettext("d M y")
    found = []
    for bookmark in bookmarks:
        saved_at = timezone.localtime(bookmark.created_at)
        url = (
            reverse("groups:item", args=[group.slug, items[bookmark.pk]])
            if bookmark.pk in items
            else reverse("bookmarks:detail", args=[bookmark.pk])
        )
        result = Result(
            bookmark,
            url=url,
            title=marker.mark(bookmark.display_title),
            tags=[(name, searches + _tag_query(name)) for _, name in sorted(tags[bookmark.pk])],
            shown_url=_shortened(bookmark.page.url, SHOWN_URL_LENGTH),
            saved_on=dateformat.format(saved_at, date_format),
            saved_at=saved_at.isoformat(),
        )
        _snippet(result, marker, highlights[bookmark.pk], notes[bookmark.pk])
        found.append(result)
    _cached_snippets([r for r in found if r.snippet is None], marker)
    return found


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tag_query(name: str) -> str:
    return urlencode({"q": f'#"{name}"' if " " in name else f"#{name}"})


def _snippet(result: Result, marker: Marker, highlights, notes) -> None:
    """The first matching highlight, else sticky note, else description.
    ``highlights`` are (id, quote) in page order, ``notes`` (highlight id,
    text) oldest first."""
    for _, quote in highlights:
        if passage := marker.passage(quote):
            result.kind, result.snippet = "highlight", passage
            return
    quotes = dict(highlights)
    for highlight_id, text in notes:
        if passage := marker.passage(text):
            result.kind, result.snippet = "note", passage
            if highlight_id in quotes:
                result.context = plain(quotes[highlight_id], limit=160)
            return
    if passage := marker.passage(result.bookmark.description):
        result.kind, result.snippet = "description", passage


def _cached_snippets(pending: list[Result], marker: Marker) -> None:
    """A passage of the cached copy where nothing else matched; the
    description's start where that does not match either."""
    texts = {}
    if pending and marker.pattern is not None:
        texts = cached_texts({result.bookmark.page_id for result in pending})
    for result in pending:
        if passage := marker.passage(texts.get(result.bookmark.page_id) or ""):
            result.kind, result.snippet = "cached", passage
        elif result.bookmark.description:
            result.kind, result.snippet = "description", plain(result.bookmark.description)
