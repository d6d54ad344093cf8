"""JSON endpoints for the reader's script: highlights, sticky notes and
group discussion notes.

Each one validates its body with a form, then calls the same service as the
form endpoints do. Signed-in people only and CSRF-checked (the script sends
the token in ``X-CSRFToken``), so each is a ``write_endpoint``; anonymous
requests are sent to sign in like every other write. Answers are JSON, errors
too: 400 for a body that does not validate, 403 for something the reader may
see but not change, 404 for something they may not see (a private group's
item included), never a 500 for bad input.
"""

import json
from functools import wraps

from django import forms
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookmarks.models import Snapshot
from bookmarks.view_helpers import own_annotation, own_bookmark
from config.decorators import write_endpoint
from groups import services as group_services
from groups.forms import NoteForm as GroupNoteForm
from groups.models import GroupItem, GroupNote
from groups.permissions import can_remove_group_note, can_share, require
from groups.visibility import get_readable_group, readable_highlights, readable_notes

from . import services
from .forms import MAX_QUOTE_LENGTH, ColourForm, NoteForm, colour_field
from .models import Highlight, Note

#: TextQuoteSelector context the script sends: up to 32 characters each side.
CONTEXT_LENGTH = 32


class InvalidBody(Exception):
    """A body that does not validate; ``errors`` by field, as forms give them."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid body")
        self.errors = errors


class SelectionForm(forms.Form):
    """A new highlight from a selection in a cached copy: the W3C
    TextQuoteSelector (exact, prefix, suffix) and TextPositionSelector
    (start, end: code points in the snapshot's text) of that copy."""

    exact = forms.CharField(max_length=MAX_QUOTE_LENGTH, strip=False)
    prefix = forms.CharField(max_length=CONTEXT_LENGTH, required=False, strip=False)
    suffix = forms.CharField(max_length=CONTEXT_LENGTH, required=False, strip=False)
    start = forms.IntegerField(min_value=0)
    end = forms.IntegerField(min_value=0)
    snapshot = forms.IntegerField(min_value=1)
    colour = colour_field(required=False)

    def clean(self):
        data = super().clean()
        if "exact" in data and not data["exact"].strip():
            self.add_error("exact", gettext_lazy("Select a passage, not only spaces."))
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", gettext_lazy("The passage ends before it starts."))
        return data


def json_api(view):
    """Errors as JSON with their status, whatever raised them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return _error(404, _("There is nothing here, or you may not see it."))
        except PermissionDenied:
            return _error(403, _("You may not change this."))
        except BadRequest as error:
            return _error(400, str(error))
        except InvalidBody as error:
            first = next(iter(error.errors.values()))[0]
            return _error(400, first, fields=error.errors)

    return wrapped


def api(view):
    return write_endpoint(json_api(view))


def _error(status: int, message: str, **extra) -> JsonResponse:
    return JsonResponse({"error": message, **extra}, status=status)


def _valid(request, form_class: type[forms.Form]) -> dict:
    """The request's JSON body, cleaned by ``form_class``."""
    if request.content_type != "application/json":
        raise BadRequest(_("Send the request as JSON."))
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, ValueError):
        raise BadRequest(_("The request is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadRequest(_("The request must be a JSON object."))
    form = form_class(data)
    if not form.is_valid():
        raise InvalidBody({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


# --- Highlights and sticky notes: the bookmark's owner's --------------------


@api
def add_highlight(request, bookmark_id):
    bookmark = own_bookmark(request, bookmark_id)
    data = _valid(request, SelectionForm)
    snapshot = Snapshot.objects.filter(
        pk=data["snapshot"], page_id=bookmark.page_id, status=Snapshot.Status.OK
    ).first()
    if snapshot is None:
        raise InvalidBody({"snapshot": [_("That is not a cached copy of this page.")]})
    try:
        highlight = services.add_highlight(
            bookmark=bookmark,
            quote=data["exact"],
            colour=data["colour"] or Highlight.Colour.YELLOW,
            prefix=data["prefix"],
            suffix=data["suffix"],
            start=data["start"],
            end=data["end"],
            snapshot=snapshot,
        )
    except ValueError:
        raise InvalidBody({"exact": [_("That passage is not in this cached copy.")]}) from None
    return JsonResponse({"highlight": highlight_json(highlight)}, status=201)


@api
def change_colour(request, highlight_id):
    highlight = own_annotation(request, readable_highlights(request.user), highlight_id)
    data = _valid(request, ColourForm)
    services.change_colour(highlight=highlight, colour=data["colour"])
    return JsonResponse({"highlight": highlight_json(highlight)})


@api
def delete_highlight(request, highlight_id):
    highlight = own_annotation(request, readable_highlights(request.user), highlight_id)
    services.delete_highlight(highlight=highlight)
    return HttpResponse(status=204)


@api
def add_note(request, highlight_id):
    """A sticky note on one of the reader's own highlights."""
    highlight = own_annotation(request, readable_highlights(request.user), highlight_id)
    data = _valid(request, NoteForm)
    note = services.add_note(bookmark=highlight.bookmark, highlight=highlight, text=data["text"])
    return JsonResponse({"note": note_json(note, author=request.user)}, status=201)


@api
def edit_note(request, note_id):
    note = own_annotation(request, readable_notes(request.user), note_id)
    data = _valid(request, NoteForm)
    services.update_note(note=note, text=data["text"])
    return JsonResponse({"note": note_json(note, author=request.user)})


@api
def delete_note(request, note_id):
    note = own_annotation(request, readable_notes(request.user), note_id)
    services.delete_note(note=note)
    return HttpResponse(status=204)


# --- Group discussion: members' --------------------------------------------


def _item(request, slug: str, item_id: int) -> GroupItem:
    """An item of a group the reader may see, else 404."""
    group = get_readable_group(request.user, slug)
    item = GroupItem.objects.filter(group=group, pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    item.group = group
    return item


def _group_note(item: GroupItem, note_id: int) -> GroupNote:
    note = GroupNote.objects.filter(item=item, pk=note_id).select_related("author").first()
    if note is None:
        raise Http404("No such note.")
    return note


@api
def add_group_note(request, slug, item_id):
    """A member's note in the item's discussion, on one of its highlights or on the item."""
    item = _item(request, slug, item_id)
    require(can_share(request.user, item.group))
    data = _valid(request, GroupNoteForm)
    highlight = None
    if data["highlight"] is not None:
        # Only a highlight that shows in this item (of a bookmark shared into it).
        highlight = (
            Highlight.objects.filter(pk=data["highlight"], bookmark__shares__item=item)
            .select_related("bookmark")
            .first()
        )
        if highlight is None:
            raise Http404("No such highlight in this item.")
    try:
        note = group_services.add_group_note(
            item=item, author=request.user, text=data["text"], highlight=highlight
        )
    except group_services.NotAMember:
        raise PermissionDenied from None
    return JsonResponse({"note": note_json(note, author=request.user)}, status=201)


@api
def edit_group_note(request, slug, item_id, note_id):
    item = _item(request, slug, item_id)
    note = _group_note(item, note_id)
    require(note.author_id == request.user.pk)
    data = _valid(request, GroupNoteForm)
    group_services.edit_group_note(note=note, text=data["text"])
    return JsonResponse({"note": note_json(note, author=note.author)})


@api
def delete_group_note(request, slug, item_id, note_id):
    item = _item(request, slug, item_id)
    note = _group_note(item, note_id)
    require(can_remove_group_note(request.user, note, item.group))
    group_services.delete_group_note(note=note)
    return HttpResponse(status=204)


# --- Shapes -------------------------------------------------------------------


def highlight_json(highlight: Highlight) -> dict:
    return {
        "id": highlight.pk,
        "quote": highlight.quote,
        "prefix": highlight.prefix,
        "suffix": highlight.suffix,
        "start": highlight.start,
        "end": highlight.end,
        "snapshot": highlight.snapshot_id,
        "anchor_state": highlight.anchor_state,
        "colour": highlight.colour,
    }


def note_json(note: Note | GroupNote, *, author) -> dict:
    return {
        "id": note.pk,
        "text": note.text,
        "highlight": note.highlight_id,
        "author": author.name,
        "created_at": note.created_at.isoformat(),
        "updated_at": note.updated_at.isoformat(),
    }
