"""Writes for highlights and sticky notes."""

from datetime import datetime

from django.db.models import Max
from django.utils import timezone

from bookmarks.models import Bookmark

from .models import Highlight, Note


def add_highlight(
    *,
    bookmark: Bookmark,
    quote: str,
    colour: str = Highlight.Colour.YELLOW,
    created_at: datetime | None = None,
) -> Highlight:
    """Add a highlight after the bookmark's last one (page order until anchored)."""
    last = bookmark.highlights.aggregate(last=Max("ordinal"))["last"]
    return Highlight.objects.create(
        bookmark=bookmark,
        quote=quote,
        colour=colour,
        ordinal=0 if last is None else last + 1,
        created_at=created_at or timezone.now(),
    )


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
