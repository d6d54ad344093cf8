"""Saving, editing and deleting one's own bookmarks, and marking them to read.

Every view here changes something, so each wears ``form_endpoint`` or
``write_endpoint`` (signed-in people only; POST checked for CSRF)."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from annotations.services import add_highlight_once
from config.decorators import form_endpoint, write_endpoint
from groups.departures import delete_bookmarks, unshare_bookmark
from groups.models import GroupShare
from groups.services import NotAMember, share_bookmark
from groups.visibility import readable_groups

from .canonical import InvalidURL, canonical_url, url_hash
from .forms import BookmarkForm, NewBookmarkForm
from .models import Bookmark
from .services import save_bookmark, set_to_read, update_bookmark
from .snapshotting import request_snapshots
from .tagnames import fold
from .view_helpers import own_bookmark, redirect_back

#: What the bookmarklet and other links may fill in: /bookmarks/new/?url=&title=…
PREFILLED_FIELDS = ("url", "title", "description", "tags", "quote")
TRUE_VALUES = ("1", "true", "on", "yes")


@form_endpoint
def new_bookmark(request):
    """The save form. GET only fills it in (from the query string); POST
    saves the bookmark, its shares and its first highlight together."""
    if request.method != "POST":
        initial = {name: request.GET.get(name, "") for name in PREFILLED_FIELDS}
        saved = _saved_already(request.user, initial["url"])
        if saved is None:
            return _new_page(request, NewBookmarkForm(initial=initial, user=request.user))
        if not initial["quote"].strip():
            messages.info(request, _saved_on(saved))
            return redirect("bookmarks:edit", saved.pk)
        # A passage selected on a page already saved: the form shows the
        # bookmark as it is, and saving adds the passage to it.
        initial = {
            **_initial(saved, _shared_group_ids(saved)),
            "url": initial["url"],
            "quote": initial["quote"],
        }
        form = NewBookmarkForm(initial=initial, user=request.user, saved=saved)
        return _new_page(request, form, saved)

    saved = _saved_already(request.user, request.POST.get("url", ""))
    form = NewBookmarkForm(request.POST, user=request.user, saved=saved)
    if not form.is_valid():
        return _new_page(request, form, saved)
    data = form.cleaned_data
    if saved is not None:
        return _add_to_saved(request, saved, data)
    try:
        with transaction.atomic():
            bookmark, _created = save_bookmark(
                user=request.user,
                url=data["url"],
                title=data["title"],
                description=data["description"],
                tag_names=data["tags"],
                is_private=data["is_private"],
                to_read=data["to_read"],
            )
            for group in data["groups"]:
                share_bookmark(bookmark=bookmark, group=group)
            if data["quote"]:
                add_highlight_once(bookmark=bookmark, quote=data["quote"])
    except NotAMember:  # left a group while the form was open
        form.add_error("groups", _("You can share only into groups you are a member of."))
        return _new_page(request, form)
    if data["quote"]:
        messages.success(request, _("Bookmark saved, with its first highlight."))
    else:
        messages.success(request, _("Bookmark saved."))
    return redirect("bookmarks:detail", bookmark.pk)


def _new_page(request, form: NewBookmarkForm, saved: Bookmark | None = None):
    notice = ""
    if saved is not None:
        when = date_format(localtime(saved.created_at), "DATE_FORMAT")
        notice = _(
            "You saved this page on %(date)s. Saving here adds the passage below to it "
            "as a new highlight."
        ) % {"date": when}
    return render(request, "bookmarks/new.html", {"form": form, "notice": notice})


def _add_to_saved(request, bookmark: Bookmark, data: dict):
    """A save of a page the user has already saved. A passage is added to
    the bookmark as a highlight; other changes are only offered (the edit
    page, filled in), as without a passage, so nothing is undone unasked."""
    if data["quote"]:
        added = add_highlight_once(bookmark=bookmark, quote=data["quote"])
        if added:
            messages.success(request, _("The passage is added to your bookmark as a highlight."))
        else:
            messages.info(request, _("That passage is one of your highlights already."))
        shared = _shared_group_ids(bookmark)
        if _merged_initial(bookmark, shared, data) == _initial(bookmark, shared):
            return redirect("bookmarks:detail", bookmark.pk)
    return _offer_edit(request, bookmark, data)


@form_endpoint
def edit_bookmark(request, bookmark_id):
    bookmark = own_bookmark(request, bookmark_id)
    shared = _shared_group_ids(bookmark)
    initial = _initial(bookmark, shared)
    if request.method != "POST":
        form = BookmarkForm(initial=initial, user=request.user, bookmark=bookmark)
        return _edit_page(request, bookmark, form)

    form = BookmarkForm(request.POST, initial=initial, user=request.user, bookmark=bookmark)
    if form.is_valid():
        data = form.cleaned_data
        chosen = {group.pk: group for group in data["groups"]}
        try:
            with transaction.atomic():
                update_bookmark(
                    bookmark=bookmark,
                    title=data["title"],
                    description=data["description"],
                    tag_names=data["tags"],
                    is_private=data["is_private"],
                    to_read=data["to_read"],
                )
                # Only groups the user belongs to are offered, so only those
                # change: a share left behind in a former group stays.
                for group in form.fields["groups"].queryset:
                    if group.pk in chosen and group.pk not in shared:
                        share_bookmark(bookmark=bookmark, group=group)
                    elif group.pk in shared and group.pk not in chosen:
                        unshare_bookmark(bookmark=bookmark, group=group)
        except NotAMember:
            form.add_error("groups", _("You can share only into groups you are a member of."))
        else:
            messages.success(request, _("Bookmark updated."))
            return redirect("bookmarks:detail", bookmark.pk)
    return _edit_page(request, bookmark, form)


@form_endpoint
def delete_bookmark(request, bookmark_id):
    """GET asks to confirm; POST deletes, handing group items on to the next sharer."""
    bookmark = own_bookmark(request, bookmark_id)
    if request.method == "POST":
        title = bookmark.display_title
        delete_bookmarks(bookmarks=[bookmark])
        messages.success(request, _("Deleted “%(title)s”.") % {"title": title[:200]})
        return redirect("bookmarks:library")
    groups = readable_groups(request.user).filter(items__shares__bookmark=bookmark).distinct()
    return render(
        request, "bookmarks/delete.html", {"bookmark": bookmark, "groups": groups.order_by("name")}
    )


@write_endpoint
def mark_to_read(request, bookmark_id):
    """Set the to-read flag from a posted ``to_read`` (1 or 0), or toggle it."""
    bookmark = own_bookmark(request, bookmark_id)
    if "to_read" in request.POST:
        to_read = request.POST["to_read"].strip().lower() in TRUE_VALUES
    else:
        to_read = not bookmark.to_read
    set_to_read(bookmark=bookmark, to_read=to_read)
    messages.success(request, _("Marked to read.") if to_read else _("No longer marked to read."))
    return redirect_back(request, reverse("bookmarks:detail", args=[bookmark.pk]))


@write_endpoint
def take_new_snapshot(request, bookmark_id):
    """The owner asks for a fresh cached copy of their bookmark's page."""
    bookmark = own_bookmark(request, bookmark_id)
    if request_snapshots(page_ids=[bookmark.page_id], again=True):
        messages.success(request, _("A new cached copy has been asked for."))
    else:
        messages.info(request, _("A cached copy of this page is already being taken."))
    return redirect_back(request, reverse("bookmarks:detail", args=[bookmark.pk]))


def _saved_already(user, url: str) -> Bookmark | None:
    """The user's bookmark of the page this URL names, if they have one."""
    try:
        canonical = canonical_url(url)
    except InvalidURL:
        return None
    return Bookmark.objects.filter(user=user, page__url_hash=url_hash(canonical)).first()


def _saved_on(bookmark: Bookmark) -> str:
    when = date_format(localtime(bookmark.created_at), "DATE_FORMAT")
    return _("You saved this page on %(date)s; edit it here.") % {"date": when}


def _shared_group_ids(bookmark: Bookmark) -> set[int]:
    return set(GroupShare.objects.filter(bookmark=bookmark).values_list("item__group", flat=True))


def _initial(bookmark: Bookmark, shared: set[int]) -> dict:
    return {
        "url": bookmark.url,
        "title": bookmark.title,
        "description": bookmark.description,
        "tags": ", ".join(tag.name for tag in bookmark.tags.order_by("key")),
        "is_private": bookmark.is_private,
        "to_read": bookmark.to_read,
        "groups": sorted(shared),
    }


def _merged_initial(bookmark: Bookmark, shared: set[int], posted: dict) -> dict:
    """What is saved plus what was just posted: posted text where given,
    the union of tags and of groups."""
    initial = _initial(bookmark, shared)
    names = [name.strip() for name in initial["tags"].split(",") if name.strip()]
    keys = {fold(name) for name in names}
    names += [name for name in posted["tags"] if fold(name) not in keys]
    initial.update(
        title=posted["title"] or bookmark.title,
        description=posted["description"] or bookmark.description,
        tags=", ".join(names),
        groups=sorted(set(initial["groups"]) | {group.pk for group in posted["groups"]}),
    )
    return initial


def _offer_edit(request, bookmark: Bookmark, posted: dict):
    """The edit page of the bookmark the user already has of this page,
    filled with what is saved plus what they just posted, so nothing typed
    is lost and nothing already chosen is undone: nothing is written yet."""
    initial = _merged_initial(bookmark, _shared_group_ids(bookmark), posted)
    form = BookmarkForm(initial=initial, user=request.user, bookmark=bookmark)
    return _edit_page(request, bookmark, form, notice=_saved_on(bookmark))


def _edit_page(request, bookmark: Bookmark, form: BookmarkForm, notice: str = ""):
    return render(
        request, "bookmarks/edit.html", {"bookmark": bookmark, "form": form, "notice": notice}
    )
