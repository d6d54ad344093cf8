"""The item page with its controls, and what they post to: the group's
discussion, moderation (taking an item out, editing its tags) and unsharing.
An item or note the reader may not see is a 404; one they see but may not
change is a 403."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from annotations.models import Highlight
from bookmarks.selectors import snapshot_history
from bookmarks.services import get_or_create_tags
from config.decorators import form_endpoint

from . import selectors, services
from .cards import item_cards
from .departures import unshare_bookmark
from .forms import ItemTagsForm, NoteForm
from .models import GroupItem, GroupNote, GroupShare
from .permissions import MODERATING_ROLES, can_moderate, can_remove_group_note, can_share, require
from .visibility import get_readable_group, role_in

#: Partials of the annotations app for the reader's own share. The item page
#: includes each only once it exists, so the two apps can land in any order.
ANNOTATION_PARTIALS = {
    "add_highlight": "annotations/_add_highlight.html",
    "highlight_controls": "annotations/_highlight_controls.html",
}


def available_partials() -> dict[str, bool]:
    available = {}
    for key, name in ANNOTATION_PARTIALS.items():
        try:
            get_template(name)
        except TemplateDoesNotExist:
            available[key] = False
        else:
            available[key] = True
    return available


@require_safe
def item_detail(request, slug, item_id):
    """One item with everything shared and said about it, and the controls
    the reader's role allows (none on the group and tag pages)."""
    group = get_readable_group(request.user, slug)
    item = selectors.group_items(group).filter(pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    (card,) = item_cards([item], fold=False)
    role = role_in(request.user, group)
    moderating = role in MODERATING_ROLES
    tags = ", ".join(tag.name for tag in card.tags)
    context = {
        "group": group,
        "card": card,
        "can_discuss": role is not None,
        "can_moderate": moderating,
        "partials": available_partials() if request.user.is_authenticated else {},
        "note_form": NoteForm(),
        "tags_form": ItemTagsForm(initial={"tags": tags}) if moderating else None,
        "history": snapshot_history(item.page_id, card.cached_snapshot_id),
    }
    return render(request, "groups/item_detail.html", context)


def _item(request, slug, item_id) -> GroupItem:
    """An item of a group the reader may see, or 404."""
    group = get_readable_group(request.user, slug)
    item = GroupItem.objects.select_related("page").filter(group=group, pk=item_id).first()
    if item is None:
        raise Http404("No such item.")
    item.group = group
    return item


def _title(item: GroupItem) -> str:
    """The item's title as its card shows it: the first sharer's, else the page's."""
    first = (
        GroupShare.objects.filter(item=item)
        .select_related("bookmark")
        .order_by("shared_at", "id")
        .first()
    )
    return (first.bookmark.title if first else "") or item.page.title or item.page.url


def _item_url(item: GroupItem, note: GroupNote | None = None) -> str:
    url = reverse("groups:item", args=[item.group.slug, item.pk])
    return f"{url}#note-{note.pk}" if note else url


def _shown_highlight(item: GroupItem, value) -> Highlight | None:
    """The highlight a note is about: one that shows in this item (a
    highlight of a bookmark shared into it), else 404."""
    try:
        pk = forms.IntegerField(required=False, min_value=1).clean(value)
    except ValidationError as error:
        raise Http404("No such highlight.") from error
    if pk is None:
        return None
    highlight = Highlight.objects.filter(pk=pk, bookmark__shares__item=item).first()
    if highlight is None:
        raise Http404("No such highlight in this item.")
    return highlight


def _confirm(request, item, *, title, action, button, subject="", explanation=""):
    context = {
        "group": item.group,
        "title": title,
        "subject": subject,
        "explanation": explanation,
        "action": action,
        "button": button,
        "cancel": _item_url(item),
    }
    return render(request, "groups/confirm.html", context)


@form_endpoint
def add_note(request, slug, item_id):
    item = _item(request, slug, item_id)
    require(can_share(request.user, item.group))
    if request.method != "POST":
        highlight = _shown_highlight(item, request.GET.get("highlight"))
        form = NoteForm(initial={"highlight": highlight.pk if highlight else None})
    else:
        form = NoteForm(request.POST)
        highlight = _shown_highlight(item, request.POST.get("highlight"))
        if form.is_valid():
            note = services.add_group_note(
                item=item, author=request.user, text=form.cleaned_data["text"], highlight=highlight
            )
            return redirect(_item_url(item, note))
    context = {"group": item.group, "item": item, "form": form, "highlight": highlight}
    context["title"] = _title(item)
    return render(request, "groups/note_form.html", context)


def _note(item: GroupItem, note_id: int) -> GroupNote:
    """A note of this item's discussion; a note of any other item is a 404."""
    return get_object_or_404(
        GroupNote.objects.select_related("author", "highlight"), item=item, pk=note_id
    )


@form_endpoint
def edit_note(request, slug, item_id, note_id):
    item = _item(request, slug, item_id)
    note = _note(item, note_id)
    require(note.author_id == request.user.pk)
    form = NoteForm(request.POST if request.method == "POST" else None, initial={"text": note.text})
    if form.is_bound and form.is_valid():
        services.edit_group_note(note=note, text=form.cleaned_data["text"])
        return redirect(_item_url(item, note))
    context = {"group": item.group, "item": item, "form": form, "note": note}
    context.update(highlight=note.highlight, title=_title(item))
    return render(request, "groups/note_form.html", context)


@form_endpoint
def delete_note(request, slug, item_id, note_id):
    item = _item(request, slug, item_id)
    note = _note(item, note_id)
    require(can_remove_group_note(request.user, note, item.group))
    if request.method == "POST":
        services.delete_group_note(note=note)
        messages.success(request, _("The note is deleted."))
        return redirect(_item_url(item))
    return _confirm(
        request,
        item,
        title=_("Delete this note?"),
        subject=note.text,
        action=reverse("groups:delete_note", args=[item.group.slug, item.pk, note.pk]),
        button=_("Delete the note"),
    )


@form_endpoint
def remove_item(request, slug, item_id):
    item = _item(request, slug, item_id)
    require(can_moderate(request.user, item.group))
    if request.method == "POST":
        services.remove_items(items=[item])
        messages.success(request, _("The item is no longer in the group."))
        return redirect("groups:detail", item.group.slug)
    return _confirm(
        request,
        item,
        title=_("Take this item out of the group?"),
        subject=_title(item),
        explanation=_("Its discussion goes with it. The sharers keep their bookmarks."),
        action=reverse("groups:remove_item", args=[item.group.slug, item.pk]),
        button=_("Take it out"),
    )


@form_endpoint
def edit_tags(request, slug, item_id):
    item = _item(request, slug, item_id)
    require(can_moderate(request.user, item.group))
    tags = ", ".join(item.tags.order_by("key").values_list("name", flat=True))
    form = ItemTagsForm(request.POST if request.method == "POST" else None, initial={"tags": tags})
    if form.is_bound and form.is_valid():
        services.set_item_tags(item=item, tags=get_or_create_tags(form.cleaned_data["tags"]))
        messages.success(request, _("The item’s tags are saved."))
        return redirect(_item_url(item))
    context = {"group": item.group, "item": item, "form": form, "title": _title(item)}
    return render(request, "groups/item_tags.html", context)


@form_endpoint
def unshare(request, slug, item_id):
    """The reader takes their own share out of the item. The item passes to
    the next sharer, or leaves the group with its last one."""
    item = _item(request, slug, item_id)
    share = (
        GroupShare.objects.filter(item=item, bookmark__user_id=request.user.pk)
        .select_related("bookmark")
        .first()
    )
    require(share is not None)
    if request.method == "POST":
        unshare_bookmark(bookmark=share.bookmark, group=item.group)
        messages.success(request, _("You no longer share this page in the group."))
        if GroupItem.objects.filter(pk=item.pk).exists():
            return redirect(_item_url(item))
        return redirect("groups:detail", item.group.slug)
    return _confirm(
        request,
        item,
        title=_("Stop sharing this page in the group?"),
        subject=_title(item),
        explanation=_(
            "Your highlights and notes leave the item, with the discussion of them. "
            "The item stays while someone else shares it. Your bookmark stays yours."
        ),
        action=reverse("groups:unshare", args=[item.group.slug, item.pk]),
        button=_("Stop sharing"),
    )
