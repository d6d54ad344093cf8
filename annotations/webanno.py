"""Highlights as W3C Web Annotations (JSON-LD, https://www.w3.org/TR/annotation-model/).

A highlight is one annotation: its quote and position selectors on the page,
a TextualBody per sticky note, a tagging body per bookmark tag, and a state
pointing at the cached copy the selectors describe. Callers decide what the
reader may see (``groups.visibility``) and pass in ``absolute``, which turns
a path into an absolute IRI (``request.build_absolute_uri``).

Dicts here carry no ``@context``: the document that holds them adds it once.
"""

from collections.abc import Callable
from datetime import UTC, datetime

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from bookmarks.models import Snapshot, Tag
from bookmarks.selectors import newest_cached_snapshot_id

from .models import Highlight, Note

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTENT_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'

#: Turns a site path into an absolute IRI.
Absolute = Callable[[str], str]

#: The site's highlight colours (static/css/site.css), as a stylesheet each
#: annotation carries, so a colour survives an export.
COLOURS = {
    Highlight.Colour.YELLOW: "#fff3bf",
    Highlight.Colour.GREEN: "#d8f5dd",
    Highlight.Colour.BLUE: "#dcecff",
    Highlight.Colour.PINK: "#fde2ef",
}


def iso(moment: datetime) -> str:
    """xsd:dateTime in UTC, to the second: ``2024-03-12T09:30:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def highlight_iri(highlight_id: int, absolute: Absolute) -> str:
    return absolute(reverse("webanno:highlight", args=[highlight_id]))


def person(user, absolute: Absolute) -> dict:
    """A Person whose IRI is their public library page."""
    return {
        "id": absolute(reverse("bookmarks:user", args=[user.username])),
        "type": "Person",
        "name": user.name,
        "nickname": user.username,
    }


def annotation_rows(highlights: QuerySet[Highlight]) -> QuerySet[Highlight]:
    """The highlights with what an annotation shows: bookmark, owner and page
    joined, sticky notes (``note_list``), the bookmark's tags
    (``bookmark.tag_list``) and the page's ``cached_snapshot_id``. Three
    queries whatever their number; order and slice it, then ``with_states``."""
    notes = Note.objects.order_by("created_at", "id")
    return (
        highlights.select_related("bookmark__user", "bookmark__page")
        .annotate(cached_snapshot_id=newest_cached_snapshot_id("bookmark__page"))
        .prefetch_related(
            Prefetch("notes", queryset=notes, to_attr="note_list"),
            Prefetch("bookmark__tags", queryset=Tag.objects.order_by("key"), to_attr="tag_list"),
        )
    )


def with_states(highlights: list[Highlight]) -> list[Highlight]:
    """Set ``state_snapshot`` on each highlight: the copy its selectors were
    anchored in when that copy is still good, else the page's newest good
    copy, else None. One query for all of them."""
    wanted = set()
    for highlight in highlights:
        if highlight.anchor_state == Highlight.AnchorState.ANCHORED and highlight.snapshot_id:
            wanted.add(highlight.snapshot_id)
        if highlight.cached_snapshot_id:
            wanted.add(highlight.cached_snapshot_id)
    good = {}
    if wanted:
        good = {
            snapshot.pk: snapshot
            for snapshot in Snapshot.objects.filter(pk__in=wanted, status=Snapshot.Status.OK)
            .exclude(html="")
            .only("pk", "fetched_at")
        }
    for highlight in highlights:
        anchored_in = None
        if highlight.anchor_state == Highlight.AnchorState.ANCHORED:
            anchored_in = good.get(highlight.snapshot_id)
        highlight.state_snapshot = anchored_in or good.get(highlight.cached_snapshot_id)
    return highlights


def highlight_annotation(highlight: Highlight, absolute: Absolute) -> dict:
    """One highlight as an Annotation; ``highlight`` went through ``annotation_rows``
    and ``with_states``."""
    bookmark = highlight.bookmark
    author = person(bookmark.user, absolute)
    bodies = [
        {
            "type": "TextualBody",
            "purpose": "commenting",
            "value": note.text,
            "format": "text/plain",
            "creator": author,
            "created": iso(note.created_at),
            "modified": iso(note.updated_at),
        }
        for note in highlight.note_list
    ]
    bodies += [
        {"type": "TextualBody", "purpose": "tagging", "value": tag.name}
        for tag in bookmark.tag_list
    ]
    style_class = f"commonplace-{highlight.colour}"
    annotation = {
        "id": highlight_iri(highlight.pk, absolute),
        "type": "Annotation",
        "motivation": "commenting" if highlight.note_list else "highlighting",
        "created": iso(highlight.created_at),
        "modified": iso(highlight.updated_at),
        "creator": author,
        "stylesheet": {
            "type": "CssStylesheet",
            "value": f".{style_class} {{ background-color: {COLOURS.get(highlight.colour)} }}",
        },
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = _target(highlight, style_class, absolute)
    return annotation


def _target(highlight: Highlight, style_class: str, absolute: Absolute) -> dict:
    quote = {"type": "TextQuoteSelector", "exact": highlight.quote}
    if highlight.prefix:
        quote["prefix"] = highlight.prefix
    if highlight.suffix:
        quote["suffix"] = highlight.suffix
    selectors = [quote]
    if highlight.anchor_state == Highlight.AnchorState.ANCHORED and highlight.start is not None:
        selectors.append(
            {"type": "TextPositionSelector", "start": highlight.start, "end": highlight.end}
        )
    target = {
        "source": highlight.bookmark.page.url,
        "selector": selectors,
        "styleClass": style_class,
    }
    snapshot = highlight.state_snapshot
    if snapshot is not None:
        state = {
            "type": "TimeState",
            "cached": absolute(reverse("bookmarks:cached", args=[snapshot.pk])),
        }
        if snapshot.fetched_at is not None:
            state["sourceDate"] = iso(snapshot.fetched_at)
        target["state"] = state
    return target


def reply_annotation(
    *,
    iri: str,
    target: str,
    author,
    text: str,
    created: datetime,
    modified: datetime,
    absolute: Absolute,
) -> dict:
    """A reply to another annotation (a group's discussion note on a highlight)."""
    return {
        "id": iri,
        "type": "Annotation",
        "motivation": "replying",
        "created": iso(created),
        "modified": iso(modified),
        "creator": person(author, absolute),
        "body": [{"type": "TextualBody", "value": text, "format": "text/plain"}],
        "target": target,
    }
