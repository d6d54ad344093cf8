"""What each result shows: its title and the passage that matched, marked,
its tags, and where it leads. A fixed number of queries for a page of any
size: highlights, sticky notes, tags, group items and cached text, one each.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from annotations.models import Highlight, Note
from bookmarks.models import Bookmark, BookmarkTag, Tag
from groups.models import Group, GroupShare
from groups.visibility import readable_bookmarks

from .indexing import cached_texts
from .query import Query
from .snippets import Marker, plain


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
    #: (tag, the search for that tag), by name.
    tags: list[tuple[Tag, str]] = field(default_factory=list)


def results(reader, bookmarks: list[Bookmark], query: Query, group: Group | None) -> list[Result]:
    """Each bookmark of a page of results with its snippet and tags."""
    ids = [bookmark.pk for bookmark in bookmarks]
    marker = Marker(query.include)
    highlights, notes, tags = defaultdict(list), defaultdict(list), defaultdict(list)
    # Readable by construction; through groups.visibility all the same, with
    # the ids inside so that no database reads every readable bookmark first.
    readable = readable_bookmarks(reader).filter(pk__in=ids)
    for highlight in (
        Highlight.objects.filter(bookmark__in=readable)
        .only("bookmark_id", "quote", "ordinal")
        .order_by("bookmark_id", "ordinal", "pk")
    ):
        highlights[highlight.bookmark_id].append(highlight)
    for note in (
        Note.objects.filter(bookmark__in=readable)
        .only("bookmark_id", "highlight_id", "text")
        .order_by("created_at", "pk")
    ):
        notes[note.bookmark_id].append(note)
    for link in BookmarkTag.objects.filter(bookmark_id__in=ids).select_related("tag"):
        tags[link.bookmark_id].append(link.tag)
    items = {}
    if group is not None:
        items = dict(
            GroupShare.objects.filter(bookmark_id__in=ids, item__group=group).values_list(
                "bookmark_id", "item_id"
            )
        )
    found = []
    for bookmark in bookmarks:
        url = (
            reverse("groups:item", args=[group.slug, items[bookmark.pk]])
            if bookmark.pk in items
            else reverse("bookmarks:detail", args=[bookmark.pk])
        )
        result = Result(
            bookmark,
            url=url,
            title=marker.mark(bookmark.display_title),
            tags=[(tag, tag_search_url(tag)) for tag in sorted(tags[bookmark.pk], key=_by_key)],
        )
        _snippet(result, marker, highlights[bookmark.pk], notes[bookmark.pk])
        found.append(result)
    _cached_snippets([r for r in found if r.snippet is None], marker)
    return found


def _by_key(tag: Tag) -> str:
    return tag.key


def tag_search_url(tag: Tag) -> str:
    term = f'#"{tag.name}"' if " " in tag.name else f"#{tag.name}"
    return reverse("search:results") + "?" + urlencode({"q": term})


def _snippet(result: Result, marker: Marker, highlights, notes) -> None:
    """The first matching highlight, else sticky note, else description."""
    for highlight in highlights:
        if passage := marker.passage(highlight.quote):
            result.kind, result.snippet = "highlight", passage
            return
    quotes = {highlight.pk: highlight.quote for highlight in highlights}
    for note in notes:
        if passage := marker.passage(note.text):
            result.kind, result.snippet = "note", passage
            if note.highlight_id in quotes:
                result.context = plain(quotes[note.highlight_id], limit=160)
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
