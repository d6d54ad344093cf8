"""Reading pages about users and bookmarks, and the sandboxed cached copy.

Who may see what is decided by ``groups.visibility`` alone; anything the
reader may not see is a 404, never a 403, so its existence does not leak.
"""

import logging
import re

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from annotations.selectors import bookmarks_with_annotations
from groups.cards import FOLDED_HIGHLIGHTS
from groups.models import GroupShare
from groups.pagination import page_links, read_window
from groups.selectors import TAG_CLOUD_SIZE
from groups.visibility import (
    public_bookmarks_of,
    readable_bookmarks,
    readable_groups,
    readable_items,
)

from .models import Bookmark, BookmarkTag, Snapshot
from .selectors import find_tag, snapshot_history

logger = logging.getLogger(__name__)
BODY_TAG = re.compile(r"<body[^>]*>", re.IGNORECASE)
DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)

#: What every cached copy may do: load nothing from the network but what it
#: carries as data: URIs, submit nothing, and keep no base URL of its own.
_COPY_DIRECTIVES = (
    "default-src 'none'",
    "img-src data:",
    "style-src 'unsafe-inline' data:",
    "font-src data:",
    "media-src data:",
    "form-action 'none'",
    "base-uri 'none'",
)
#: A cached copy is someone else's page: it runs nothing, loads nothing from
#: the network, submits nothing and cannot be framed. ``sandbox`` without any
#: allow-* token also gives it an opaque origin, so it never sees our cookies.
CACHED_COPY_CSP = "; ".join(("sandbox", *_COPY_DIRECTIVES, "frame-ancestors 'none'"))
#: The same copy for the reader page's frame, and nothing more: our origin
#: (so the reader page's own script can read the selection and paint
#: highlights), still no scripts of its own, framed only by our pages. Its
#: scripts stay off whatever the frame element says: a CSP sandbox is kept
#: even where the ``sandbox`` attribute is missing.
CACHED_FRAME_CSP = "; ".join(
    ("sandbox allow-same-origin", *_COPY_DIRECTIVES, "frame-ancestors 'self'")
)
HTML_TYPES = ("", "text/html", "application/xhtml+xml")


@require_safe
def user_library(request, username):
    owner = get_object_or_404(get_user_model(), username=username)
    bookmarks = public_bookmarks_of(owner, request.user)
    path = reverse("bookmarks:user", args=[owner.username])
    return _library(request, "bookmarks/user.html", owner, bookmarks, path=path)


@require_safe
def user_tag(request, username, tag):
    owner = get_object_or_404(get_user_model(), username=username)
    found = find_tag(tag)
    if found is None:
        raise Http404("No such tag.")
    path = reverse("bookmarks:user_tag", args=[owner.username, found.name])
    if found.name != tag:
        # Another casing or form of the tag: one URL per tag.
        query = request.META.get("QUERY_STRING")
        return HttpResponsePermanentRedirect(f"{path}?{query}" if query else path)
    bookmarks = public_bookmarks_of(owner, request.user)
    return _library(
        request,
        "bookmarks/user_tag.html",
        owner,
        bookmarks.filter(tags=found),
        path=path,
        tag=found,
        cloud_of=bookmarks,
    )


def _library(request, template, owner, bookmarks, *, path, cloud_of=None, **context):
    """A page of the owner's bookmarks, newest first, with their tag cloud."""
    window = read_window(request.GET, count=bookmarks.count())
    page = bookmarks_with_annotations(bookmarks.order_by("-created_at", "-id"))
    cards = _fold(list(page[window.offset : window.offset + window.per_page]))
    return render(
        request,
        template,
        {
            "owner": owner,
            "is_owner": request.user.pk == owner.pk,
            "bookmarks": cards,
            "window": window,
            "links": page_links(window, path=path),
            "tag_cloud": _tag_cloud(bookmarks if cloud_of is None else cloud_of),
            **context,
        },
    )


@require_safe
def bookmark_detail(request, bookmark_id):
    bookmark = bookmarks_with_annotations(
        readable_bookmarks(request.user).filter(pk=bookmark_id)
    ).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    _with_outbound_url(bookmark)
    # Only the groups this reader may open: a private group's name never
    # reaches a non-member.
    shares = (
        GroupShare.objects.filter(bookmark=bookmark, item__group__in=readable_groups(request.user))
        .select_related("item__group")
        .order_by("item__group__name", "item__group_id")
    )
    return render(
        request,
        "bookmarks/detail.html",
        {
            "bookmark": bookmark,
            "owner": bookmark.user,
            "is_owner": request.user.pk == bookmark.user_id,
            "shares": list(shares),
            "history": snapshot_history(bookmark.page_id, bookmark.cached_snapshot_id),
        },
    )


@require_safe
def cached_copy(request, snapshot_id):
    """A snapshot's sanitised HTML, for readers of some bookmark or group item
    of its page, in a sandbox that runs nothing."""
    snapshot = readable_snapshot(request.user, snapshot_id)
    body = _stored_body(snapshot)
    if snapshot.content_type in HTML_TYPES:
        response = HttpResponse(
            with_banner(body, snapshot), content_type="text/html; charset=utf-8"
        )
    else:
        # PDFs, images, text: kept as fetched and handed over as a download,
        # never rendered on our origin.
        response = HttpResponse(body, content_type=snapshot.content_type)
        response.headers["Content-Disposition"] = f'attachment; filename="snapshot-{snapshot.pk}"'
    return _copy_headers(response, csp=CACHED_COPY_CSP, frame_options="DENY")


@require_safe
def cached_copy_frame(request, snapshot_id):
    """The copy as the reader page frames it: no banner (the reader page
    names the address and the time, and the copy's text stays exactly the
    snapshot's text), same-origin so our script can annotate it. HTML only."""
    snapshot = readable_snapshot(request.user, snapshot_id)
    if snapshot.content_type not in HTML_TYPES:
        raise Http404("This cached copy is a file, not a page.")
    response = HttpResponse(_stored_body(snapshot), content_type="text/html; charset=utf-8")
    return _copy_headers(response, csp=CACHED_FRAME_CSP, frame_options="SAMEORIGIN")


def readable_snapshot(reader, snapshot_id: int) -> Snapshot:
    """A good snapshot with HTML whose page the reader may read through some
    bookmark or group item, else 404."""
    may_read_page = Exists(readable_bookmarks(reader).filter(page=OuterRef("page"))) | Exists(
        readable_items(reader).filter(page=OuterRef("page"))
    )
    snapshot = (
        Snapshot.objects.filter(pk=snapshot_id, status=Snapshot.Status.OK)
        .exclude(html="")
        .filter(may_read_page)
        .select_related("page")
        .only("pk", "html", "content_type", "final_url", "fetched_at", "sha256", "page__url")
        .first()
    )
    if snapshot is None:
        raise Http404("No such cached copy.")
    return snapshot


def _stored_body(snapshot: Snapshot) -> bytes:
    try:
        with snapshot.html.open("rb") as stored:
            return stored.read()
    except FileNotFoundError:
        logger.exception("Snapshot %s: its HTML file is missing from storage.", snapshot.pk)
        raise Http404("No such cached copy.") from None


def _copy_headers(response: HttpResponse, *, csp: str, frame_options: str) -> HttpResponse:
    response.headers["Content-Security-Policy"] = csp
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = frame_options
    response.headers["Cache-Control"] = "private"
    return response


def with_banner(body: bytes, snapshot: Snapshot) -> bytes:
    """The stored copy with a banner naming the original address and the
    capture time, added here so identical copies stay identical in storage."""
    banner = render_to_string("bookmarks/_cached_banner.html", {"snapshot": snapshot})
    html = body.decode("utf-8", "replace")
    # After <body>, else after the doctype (the pipeline always writes a
    # <body>; older or hand-made copies may not have one).
    match = BODY_TAG.search(html) or DOCTYPE.match(html)
    at = match.end() if match else 0
    return (html[:at] + banner + html[at:]).encode("utf-8")


def _fold(bookmarks: list[Bookmark]) -> list[Bookmark]:
    """Split each bookmark's highlights after the first few, as the group pages do."""
    for bookmark in bookmarks:
        _with_outbound_url(bookmark)
        bookmark.shown_highlights = bookmark.highlight_list[:FOLDED_HIGHLIGHTS]
        bookmark.hidden_highlights = bookmark.highlight_list[FOLDED_HIGHLIGHTS:]
    return bookmarks


def _with_outbound_url(bookmark: Bookmark) -> None:
    """The address to link out to: the URL as the user gave it when it is
    http(s), else the page's canonical URL (always http(s)); never a
    ``javascript:`` or other scheme."""
    for url in (bookmark.url.strip(), bookmark.page.url):
        if url.lower().startswith(("http://", "https://")):
            bookmark.outbound_url = url
            return
    bookmark.outbound_url = ""


def _tag_cloud(bookmarks: QuerySet[Bookmark]) -> list[dict]:
    """The most used tags of these bookmarks with their counts, by name: one
    aggregate query."""
    rows = (
        BookmarkTag.objects.filter(bookmark__in=bookmarks.order_by())
        .values("tag__name", "tag__key")
        .annotate(count=Count("id"))
        .order_by("-count", "tag__key")[:TAG_CLOUD_SIZE]
    )
    return sorted(
        ({"name": row["tag__name"], "count": row["count"], "key": row["tag__key"]} for row in rows),
        key=lambda row: row["key"],
    )
