"""The reader: a bookmark's or group item's cached copy in a frame, its
highlights painted on it, and beside it the list of highlights and notes.

The copy is served by ``bookmarks:cached_frame`` (same-origin, scripts off);
``static/js/reader.js`` reads the selection in it, paints the highlights and
writes through ``api_views``. Without JavaScript the page still shows the copy
and the list, whose forms post to the ordinary form endpoints.

Who may read is decided by ``groups.visibility`` (404 otherwise); where each
highlight sits in this copy by ``anchoring.placements``. A highlight that
cannot be placed is listed as an orphan, never dropped. The page costs the
same number of queries whatever the number of highlights and notes.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bookmarks.models import Snapshot
from bookmarks.views import HTML_TYPES
from groups.cards import item_cards
from groups.models import GroupNote
from groups.permissions import MODERATING_ROLES
from groups.selectors import group_items
from groups.visibility import get_readable_group, readable_bookmarks, role_in

from .anchoring import Anchor, placements
from .models import Highlight, Note
from .selectors import bookmarks_with_annotations


@dataclass
class Entry:
    """One highlight as the reader shows it."""

    highlight: Highlight
    #: The bookmark's owner: the author of the highlight and its sticky notes.
    author: object
    notes: list[Note]
    discussion: list[GroupNote] = field(default_factory=list)
    #: Where it sits in the copy's text (code points), or None: an orphan.
    anchor: Anchor | None = None
    #: The reader's own: they may recolour or delete it and add sticky notes.
    mine: bool = False


@require_safe
def read_bookmark(request, bookmark_id):
    bookmark = bookmarks_with_annotations(
        readable_bookmarks(request.user).filter(pk=bookmark_id)
    ).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    mine = request.user.pk == bookmark.user_id
    entries = [
        Entry(highlight, bookmark.user, highlight.note_list, mine=mine)
        for highlight in bookmark.highlight_list
    ]
    return _reader(
        request,
        snapshot_id=bookmark.cached_snapshot_id,
        entries=entries,
        title=bookmark.display_title,
        back_url=reverse("bookmarks:detail", args=[bookmark.pk]),
        here=reverse("annotations:read_bookmark", args=[bookmark.pk]),
        own_bookmark=bookmark if mine else None,
    )


@require_safe
def read_item(request, slug, item_id):
    group = get_readable_group(request.user, slug)
    item = group_items(group).filter(pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    (card,) = item_cards([item], fold=False)
    role = role_in(request.user, group)
    entries, own_bookmark = [], None
    for sharer in card.sharers:
        mine = sharer.person.pk == request.user.pk
        if mine:
            own_bookmark = sharer.share.bookmark
        entries.extend(
            Entry(view.highlight, sharer.person, view.notes, view.discussion, mine=mine)
            for view in sharer.highlights
        )
    return _reader(
        request,
        snapshot_id=card.cached_snapshot_id,
        entries=entries,
        title=card.title,
        back_url=reverse("groups:item", args=[group.slug, item.pk]),
        here=reverse("annotations:read_item", args=[group.slug, item.pk]),
        own_bookmark=own_bookmark,
        group=group,
        item=item,
        can_discuss=role is not None,
        can_moderate=role in MODERATING_ROLES,
    )


def _reader(request, *, snapshot_id, entries: list[Entry], own_bookmark, here, **context):
    # The caller has checked the reader may see the page; this is its newest good copy.
    snapshot = None
    if snapshot_id is not None:
        snapshot = Snapshot.objects.select_related("page").filter(pk=snapshot_id).first()
    if snapshot is None:
        raise Http404("This page has no cached copy yet.")
    is_page = snapshot.content_type in HTML_TYPES
    placed, orphans = [], []
    if is_page:
        anchors = placements([entry.highlight for entry in entries], snapshot)
        for entry in entries:
            entry.anchor = anchors.get(entry.highlight.pk)
            (placed if entry.anchor is not None else orphans).append(entry)
        placed.sort(key=lambda entry: (entry.anchor.start, entry.anchor.end, entry.highlight.pk))
    else:
        orphans = entries
    return render(
        request,
        "annotations/reader.html",
        {
            **context,
            "snapshot": snapshot,
            "is_page": is_page,
            "placed": placed,
            "orphans": orphans,
            "sections": [
                {"entries": placed, "orphans": False},
                {"entries": orphans, "orphans": True},
            ],
            "own_bookmark": own_bookmark,
            "here": here,
            "reader_data": {
                "snapshot": snapshot.pk,
                # Where a new highlight goes; None: the reader may not add one here.
                "create": own_bookmark
                and reverse("annotations:api_highlight_add", args=[own_bookmark.pk]),
                "highlights": [_paint_data(entry, snapshot.text) for entry in placed],
            },
            "reader_strings": script_strings(),
        },
    )


def _paint_data(entry: Entry, text: str) -> dict:
    """What the script paints, in page order: offsets in code points and the
    text they cover, so the script can check it reads the same text."""
    anchor = entry.anchor
    return {
        "id": entry.highlight.pk,
        "start": anchor.start,
        "end": anchor.end,
        "exact": text[anchor.start : anchor.end],
        "colour": entry.highlight.colour,
    }


def script_strings() -> dict[str, str]:
    """The words reader.js shows or announces, translated here."""
    return {
        "saved": _("Highlight saved."),
        "colourChanged": _("Colour changed."),
        "deleted": _("Highlight deleted."),
        "noteSaved": _("Note saved."),
        "noteDeleted": _("Note deleted."),
        "confirmDeleteHighlight": _("Delete this highlight and the notes on it?"),
        "confirmDeleteNote": _("Delete this note?"),
        "failed": _("That did not work: %(reason)s"),
        "offline": _("The server could not be reached. Nothing was saved."),
        "notFound": _("Some highlights could not be found in this copy: see the list."),
        "selectFirst": _("Select a passage of the page first."),
    }
