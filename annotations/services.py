"""Writes for highlights and sticky notes."""

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from bookmarks.models import Bookmark, Snapshot

from .anchoring import anchor_highlight, anchor_to_cached_copies
from .models import Highlight, Note

_MAX_CONTEXT = Highlight._meta.get_field("prefix").max_length


def add_highlight(
    *,
    bookmark: Bookmark,
    quote: str,
    colour: str = Highlight.Colour.YELLOW,
    created_at: datetime | None = None,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    snapshot: Snapshot | None = None,
) -> Highlight:
    """Add a highlight after the bookmark's last one (page order until anchored).

    With ``snapshot`` (a selection made in that cached copy) the selectors
    are checked against its text and the place found is stored; a quote that
    is not in it at all is refused with ValueError. Without one, the
    highlight is anchored to the page's cached copy if it has one (an orphan
    if the quote is not there), else left unanchored until a copy arrives."""
    if snapshot is not None and (
        snapshot.page_id != bookmark.page_id or snapshot.status != Snapshot.Status.OK
    ):
        raise ValueError("The snapshot is not a cached copy of the bookmark's page.")
    if (start is None) != (end is None) or (start is not None and not 0 <= start <= end):
        raise ValueError("A position is a start and an end, 0 <= start <= end.")
    last = bookmark.highlights.aggregate(last=Max("ordinal"))["last"]
    highlight = Highlight(
        bookmark=bookmark,
        quote=quote,
        colour=colour,
        ordinal=0 if last is None else last + 1,
        created_at=created_at or timezone.now(),
        # The characters nearest the quote matter most.
        prefix=prefix[-_MAX_CONTEXT:],
        suffix=suffix[:_MAX_CONTEXT],
        start=start,
        end=end,
    )
    if snapshot is not None:
        anchor_highlight(highlight, snapshot)
        if highlight.anchor_state != Highlight.AnchorState.ANCHORED:
            raise ValueError("The quote is not in this copy of the page.")
    else:
        anchor_to_cached_copies([highlight])
    highlight.save(force_insert=True)
    return highlight


def add_note(
    *,
    bookmark: Bookmark,
    text: str,
    highlight: Highlight | None = None,
    created_at: datetime | None = None,
) -> Note:
    """A sticky note on one of the bookmark's highlights, or on the bookmark."""
    if highlight is not None and highlight.bookmark_id != bookmark.pk:
        raise ValueError("A sticky note belongs to a highlight of its own bookmark.")
    return Note.objects.create(
        bookmark=bookmark,
        highlight=highlight,
        text=text,
        created_at=created_at or timezone.now(),
    )


def change_colour(*, highlight: Highlight, colour: str) -> Highlight:
    highlight.colour = colour
    highlight.save(update_fields=["colour", "updated_at"])
    return highlight


def delete_highlight(*, highlight: Highlight) -> None:
    """Delete a highlight with the sticky notes on it (and any group
    discussion of it: those rows cascade with the highlight)."""
    highlight.delete()


def update_note(*, note: Note, text: str) -> Note:
    note.text = text
    note.save(update_fields=["text", "updated_at"])
    return note


def delete_note(*, note: Note) -> None:
    note.delete()


@transaction.atomic
def add_highlight_once(*, bookmark: Bookmark, quote: str) -> Highlight | None:
    """Highlight the quote, unless the bookmark has that exact highlight
    already (a form sent twice); None then. The row lock makes a second,
    concurrent request wait for the first and then find its highlight."""
    Bookmark.objects.select_for_update().filter(pk=bookmark.pk).first()
    if bookmark.highlights.filter(quote=quote).exists():
        return None
    return add_highlight(bookmark=bookmark, quote=quote)
