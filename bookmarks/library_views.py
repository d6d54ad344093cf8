"""The signed-in user's own library (private bookmarks too), and bulk actions
on a selection of it.

A bulk action touches only the user's own bookmarks: posted ids of anyone
else's are ignored. Each action runs a fixed number of queries however many
bookmarks are selected."""

from urllib.parse import urlencode, urlsplit, urlunsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from config.decorators import write_endpoint
from groups.departures import delete_bookmarks
from groups.models import GroupShare
from groups.pagination import page_links, read_window
from groups.services import NotAMember, share_with_their_tags
from groups.visibility import readable_groups

from .forms import BulkAction, BulkForm
from .models import Bookmark, Tag
from .selectors import find_tag
from .services import add_tags, remove_tags, set_privacy
from .tagnames import InvalidTagName, clean_tag_name
from .view_helpers import next_url


@login_required
@require_safe
def library(request):
    bookmarks = Bookmark.objects.filter(user=request.user)
    filters, notice = {}, ""
    tag = None
    if tag_name := request.GET.get("tag", "").strip():
        filters["tag"] = tag_name
        tag = _find_tag(tag_name)
        if tag is None:
            bookmarks = bookmarks.none()
            notice = _("You have no tag “%(tag)s”.") % {"tag": tag_name}
        else:
            bookmarks = bookmarks.filter(tags=tag)
    to_read = request.GET.get("to_read") == "1"
    if to_read:
        filters["to_read"] = "1"
        bookmarks = bookmarks.filter(to_read=True)
    window = read_window(request.GET, count=bookmarks.count())
    rows = _rows(request.user, bookmarks)[window.offset : window.offset + window.per_page]
    return render(
        request,
        "bookmarks/mine.html",
        {
            "bookmarks": list(rows),
            "window": window,
            "links": _links(window, request.path, filters),
            "tag": tag,
            "tag_query": filters.get("tag", ""),
            "to_read": to_read,
            "filtered": bool(filters),
            "notice": notice,
            "bulk_form": BulkForm(user=request.user),
        },
    )


@write_endpoint
def bulk(request):
    """Apply one action to the selected bookmarks; a deletion is confirmed
    on a page of its own first, and a form error shows on that page too."""
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return _bulk_page(request, form)
    data = form.cleaned_data
    action, selected = data["action"], data["ids"]
    if action == BulkAction.DELETE and not data["confirm"]:
        return _bulk_page(request, form, confirming=True)
    try:
        message = _apply(request.user, action, selected, data)
    except NotAMember:  # left the group while the page was open
        form.add_error("group", _("You can share only into groups you are a member of."))
        return _bulk_page(request, form)
    messages.success(request, message)
    back = next_url(request, reverse("bookmarks:library"))
    # Deleting may leave fewer pages: go back to the first of the same list.
    return redirect(_without_page(back) if action == BulkAction.DELETE else back)


def _apply(user, action: str, selected: QuerySet[Bookmark], data: dict) -> str:
    count = selected.count()
    if action == BulkAction.ADD_TAGS:
        add_tags(bookmarks=selected, tag_names=data["tags"])
        text = ngettext(
            "Added tags to %(count)d bookmark.", "Added tags to %(count)d bookmarks.", count
        )
    elif action == BulkAction.REMOVE_TAGS:
        remove_tags(bookmarks=selected, tag_names=data["tags"])
        text = ngettext(
            "Removed tags from %(count)d bookmark.", "Removed tags from %(count)d bookmarks.", count
        )
    elif action == BulkAction.SHARE:
        share_with_their_tags(user, selected, data["group"])
        text = ngettext(
            "Shared %(count)d bookmark into %(group)s.",
            "Shared %(count)d bookmarks into %(group)s.",
            count,
        )
    elif action in (BulkAction.MAKE_PRIVATE, BulkAction.MAKE_PUBLIC):
        private = action == BulkAction.MAKE_PRIVATE
        set_privacy(bookmarks=selected, is_private=private)
        text = (
            ngettext("Made %(count)d bookmark private.", "Made %(count)d bookmarks private.", count)
            if private
            else ngettext(
                "Made %(count)d bookmark public.", "Made %(count)d bookmarks public.", count
            )
        )
    else:
        count = delete_bookmarks(bookmarks=selected)
        text = ngettext("Deleted %(count)d bookmark.", "Deleted %(count)d bookmarks.", count)
    group = data.get("group")
    return text % {"count": count, "group": group.name if group else ""}


def _bulk_page(request, form: BulkForm, *, confirming: bool = False):
    back = next_url(request, reverse("bookmarks:library"))
    return render(
        request,
        "bookmarks/bulk.html",
        {
            "form": form,
            "selected": list(form.selected.select_related("page").order_by("-created_at", "-id")),
            "confirming": confirming,
            "next": back,
        },
    )


def _rows(user, bookmarks: QuerySet[Bookmark]) -> QuerySet[Bookmark]:
    """The library's rows, newest first, with page, tags (``tag_list``) and
    the groups the user may open that they are shared in (``share_list``):
    three queries whatever the page size."""
    shares = (
        GroupShare.objects.filter(item__group__in=readable_groups(user))
        .select_related("item__group")
        .order_by("item__group__name", "item__group")
    )
    return (
        bookmarks.select_related("page")
        .order_by("-created_at", "-id")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.order_by("key"), to_attr="tag_list"),
            Prefetch("shares", queryset=shares, to_attr="share_list"),
        )
    )


def _find_tag(name: str) -> Tag | None:
    try:
        clean_tag_name(name)  # a name no tag can have (a slash, a NUL) is no tag
    except InvalidTagName:
        return None
    return find_tag(name)


def _links(window, path: str, filters: dict) -> dict:
    """Pagination links that keep the list's filters."""
    links = page_links(window, path=path)
    if not filters:
        return links
    extra = urlencode(filters)

    def keep(url):
        return None if url is None else f"{url}{'&' if '?' in url else '?'}{extra}"

    return {
        **{name: keep(links[name]) for name in ("first", "previous", "next", "last")},
        "sizes": [(size, keep(url), current) for size, url, current in links["sizes"]],
    }


def _without_page(url: str) -> str:
    parts = urlsplit(url)
    query = QueryDict(parts.query, mutable=True)
    query.pop("page", None)
    return urlunsplit(parts._replace(query=query.urlencode()))
