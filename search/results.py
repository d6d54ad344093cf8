"""What each result shows: its title and the passage that matched, marked,
its tags, and where it leads. The highlights, sticky notes and tags come
with the page (its entries keep them: search.shown); then a fixed number of
queries for a page of any size: the group items under group:, the text of
the cached copies where nothing else matched, and, for bookmarks whose
entries keep nothing, their rows read afresh.
"""

from collections.abc import Callable
from dataclasses import dataclass
from html import escape  # as in search.snippets: the same output, without the lazy check
from urllib.parse import quote_plus

from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from groups.models import Group, GroupShare

from .indexing import copy_texts
from .query import Query
from .selectors import Hit
from .shown import shown_of
from .snippets import ELLIPSIS, Marker, plain

#: Characters of a result's address shown under its title.
SHOWN_URL_LENGTH = 100
#: A tag under a result, linking to the search for it.
TAG_LINK = '<li><a class="tag" rel="tag" href="%s">%s</a></li>'
#: The line under a result (its markup is ours; the values are escaped).
SAVED_BY = gettext_noop(
    'saved by <span class="person">%(name)s</span> on <time datetime="%(iso)s">%(date)s</time>'
)


@dataclass
class Result:
    bookmark: Hit
    #: Where the title leads: the group item under group:, else the bookmark.
    url: str
    title: SafeString
    #: "highlight", "note", "description" or "cached": where the snippet is from.
    kind: str = ""
    snippet: SafeString | None = None
    #: For a sticky note on a highlight: the highlight's quote.
    context: SafeString | None = None
    #: Its tags by key, each a list item linking to the search for it.
    tag_links: SafeString = SafeString("")
    #: The start of the page's address, as shown under the title.
    shown_url: str = ""
    #: Who saved it and when, in the reader's language and time zone.
    saved_by: SafeString = SafeString("")


def results(bookmarks: list[Hit], query: Query, group: Group | None) -> list[Result]:
    """Each bookmark of a page of results with its snippet and tags.

    ``bookmarks`` are a page of ``search.selectors.page_of``: what the reader
    may open, each with its search entry, which keeps the highlights, sticky
    notes, tags and cached copy the result shows (``search.shown``)."""
    ids = [bookmark.pk for bookmark in bookmarks]
    marker = Marker(query.include)
    shown = _shown(bookmarks)
    items = {}
    if group is not None:
        items = dict(
            GroupShare.objects.filter(bookmark_id__in=ids, item__group=group).values_list(
                "bookmark_id", "item_id"
            )
        )
    searches = reverse("search:results") + "?"
    # The line under each result is written here, not by a template: a
    # blocktranslate with two date filters, twenty times, was a quarter of
    # the page's rendering.
    date_format, saved_by = gettext("d M y"), gettext(SAVED_BY)
    bookmark_url = _url_ending_in_id("bookmarks:detail")
    item_url = _url_ending_in_id("groups:item", group.slug) if items else None
    found = []
    for bookmark in bookmarks:
        of_bookmark = shown[bookmark.pk]
        saved_at = timezone.localtime(bookmark.created_at)
        url = item_url(items[bookmark.pk]) if bookmark.pk in items else bookmark_url(bookmark.pk)
        result = Result(
            bookmark,
            url=url,
            title=marker.mark(bookmark.display_title),
            tag_links=_tag_links(searches, of_bookmark["tags"]),
            shown_url=_shortened(bookmark.page_url, SHOWN_URL_LENGTH),
            saved_by=mark_safe(  # noqa: S308 - our words; each value escaped
                saved_by
                % {
                    "name": escape(bookmark.owner_name),
                    "date": escape(dateformat.format(saved_at, date_format)),
                    "iso": escape(saved_at.isoformat()),
                }
            ),
        )
        _snippet(result, marker, of_bookmark["highlights"], of_bookmark["notes"])
        found.append(result)
    _cached_snippets(
        [(r, shown[r.bookmark.pk]["copy"]) for r in found if r.snippet is None], marker
    )
    return found


def _shown(bookmarks: list[Hit]) -> dict[int, dict]:
    """What each bookmark's entry keeps for its result (page_of reads it
    with the bookmark), by bookmark id. Read afresh, the way the entry is
    built, for a bookmark whose entry keeps nothing: none yet (a bulk import
    before the sweep, found by #tag, user: or group:), one written before
    entries kept it, or one whose rebuild failed."""
    shown, missing = {}, []
    for bookmark in bookmarks:
        if bookmark.shown is not None:
            shown[bookmark.pk] = bookmark.shown
        else:
            missing.append(bookmark)
    if missing:
        shown.update(shown_of(missing))
    return shown


def _url_ending_in_id(name: str, *args) -> Callable[[int], str]:
    """``reverse(name, args=[*args, id])`` for the many ids of a page at the
    cost of one reverse (a reverse is a good part of a result's time)."""
    url = reverse(name, args=[*args, 0])
    if not url.endswith("/0/"):
        raise ValueError(f"The URL {name} does not end with its id.")
    head = url.removesuffix("0/")
    return lambda pk: f"{head}{pk}/"


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def _tag_links(searches: str, tags: list[list[str]]) -> SafeString:
    # Markup made here rather than by a template loop: a tag is a few
    # microseconds this way, against some twelve looped in a template, and a
    # page of results shows fifty of them.
    links = (TAG_LINK % (escape(searches + _tag_query(name)), escape(name)) for _, name in tags)
    return mark_safe("".join(links))  # noqa: S308 - our markup; both values escaped


def _tag_query(name: str) -> str:
    return "q=" + quote_plus(f'#"{name}"' if " " in name else f"#{name}")


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


def _cached_snippets(pending: list[tuple[Result, int | None]], marker: Marker) -> None:
    """A passage of the cached copy (the one indexed) where nothing else
    matched; the description's start where that does not match either.
    ``pending``: each result with its copy's snapshot id."""
    texts = {}
    if pending and marker.pattern is not None:
        texts = copy_texts({copy for _, copy in pending if copy is not None})
    for result, copy in pending:
        if passage := marker.passage(texts.get(copy) or ""):
            result.kind, result.snippet = "cached", passage
        elif result.bookmark.description:
            result.kind, result.snippet = "description", plain(result.bookmark.description)
