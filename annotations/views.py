"""Writing highlights and sticky notes on one's own bookmarks.

The forms live on the bookmark page (and on a group item page, for the
reader's own share); each posts here and comes back to a safe ``next``. A
form with an error shows again on a page of its own, with what was typed.
Someone else's bookmark the reader may see is a 403; one they may not see
is a 404."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from bookmarks.view_helpers import next_url, own_annotation, own_bookmark, redirect_back
from config.decorators import form_endpoint, write_endpoint
from groups.visibility import readable_highlights, readable_notes

from . import services
from .forms import ColourForm, HighlightForm, NoteForm


@write_endpoint
def add_highlight(request, bookmark_id):
    bookmark = own_bookmark(request, bookmark_id)
    form = HighlightForm(request.POST)
    if not form.is_valid():
        return _form_page(request, bookmark, form, heading=_("Add a highlight"))
    services.add_highlight(
        bookmark=bookmark, quote=form.cleaned_data["quote"], colour=form.cleaned_data["colour"]
    )
    messages.success(request, _("Highlight added."))
    return redirect_back(request, _bookmark_url(bookmark))


@write_endpoint
def change_colour(request, highlight_id):
    highlight = own_annotation(request, readable_highlights(request.user), highlight_id)
    form = ColourForm(request.POST)
    if not form.is_valid():
        return _form_page(request, highlight.bookmark, form, heading=_("Change the colour"))
    services.change_colour(highlight=highlight, colour=form.cleaned_data["colour"])
    messages.success(request, _("Highlight colour changed."))
    return redirect_back(request, _bookmark_url(highlight.bookmark))


@write_endpoint
def delete_highlight(request, highlight_id):
    highlight = own_annotation(request, readable_highlights(request.user), highlight_id)
    services.delete_highlight(highlight=highlight)
    messages.success(request, _("Highlight deleted, with its sticky notes."))
    return redirect_back(request, _bookmark_url(highlight.bookmark))


@write_endpoint
def add_note(request, bookmark_id):
    """A sticky note on the bookmark, or on one of its highlights (``highlight``)."""
    bookmark = own_bookmark(request, bookmark_id)
    form = NoteForm(request.POST, bookmark=bookmark)
    if not form.is_valid():
        return _form_page(request, bookmark, form, heading=_("Add a sticky note"))
    services.add_note(
        bookmark=bookmark,
        text=form.cleaned_data["text"],
        highlight=form.cleaned_data["highlight"],
    )
    messages.success(request, _("Sticky note added."))
    return redirect_back(request, _bookmark_url(bookmark))


@form_endpoint
def edit_note(request, note_id):
    note = own_annotation(request, readable_notes(request.user), note_id)
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            services.update_note(note=note, text=form.cleaned_data["text"])
            messages.success(request, _("Sticky note saved."))
            return redirect_back(request, _bookmark_url(note.bookmark))
    else:
        form = NoteForm(initial={"text": note.text})
    return _form_page(request, note.bookmark, form, heading=_("Edit the sticky note"), note=note)


@write_endpoint
def delete_note(request, note_id):
    note = own_annotation(request, readable_notes(request.user), note_id)
    services.delete_note(note=note)
    messages.success(request, _("Sticky note deleted."))
    return redirect_back(request, _bookmark_url(note.bookmark))


def _bookmark_url(bookmark) -> str:
    return reverse("bookmarks:detail", args=[bookmark.pk])


def _form_page(request, bookmark, form, *, heading: str, note=None):
    """The form on a page of its own: posted back to the same address, then on to ``next``."""
    return render(
        request,
        "annotations/form.html",
        {
            "bookmark": bookmark,
            "form": form,
            "heading": heading,
            "note": note,
            "action": request.path,
            "next": next_url(request, _bookmark_url(bookmark)),
        },
    )
