"""Downloads of bookmarks: one's own library, or a group's items, all or one
tag's (``?tag=``), as a Netscape bookmark file or Diigo-style CSV, streamed.

A group's export is readable by whoever may read the group (a private
group's is 404 to everyone else); one's library only by its owner."""

import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from bookmarks.models import Tag
from bookmarks.selectors import find_tag
from groups.models import Membership
from groups.visibility import get_readable_group

from .export import diigo_csv_file, group_chunks, library_chunks, netscape_file

HTML, CSV = "html", "csv"
CONTENT_TYPES = {HTML: "text/html; charset=utf-8", CSV: "text/csv; charset=utf-8"}


@login_required
@require_safe
def export_index(request):
    memberships = (
        Membership.objects.filter(user=request.user).select_related("group").order_by("group__name")
    )
    return render(
        request,
        "interchange/export.html",
        {
            "groups": [membership.group for membership in memberships],
            "tag": request.GET.get("tag", ""),
        },
    )


@login_required
@require_safe
def library_html(request):
    return _library(request, HTML)


@login_required
@require_safe
def library_csv(request):
    return _library(request, CSV)


@require_safe
def group_html(request, slug):
    return _group(request, slug, HTML)


@require_safe
def group_csv(request, slug):
    return _group(request, slug, CSV)


def _library(request, kind: str):
    owner, tag = request.user, _tag(request)
    chunks = library_chunks(owner, tag=tag, annotations=kind == CSV)
    if tag is None:
        title = _("Bookmarks of %(name)s") % {"name": owner.name}
    else:
        title = _("Bookmarks of %(name)s tagged %(tag)s") % {"name": owner.name, "tag": tag.name}
    return _download(chunks, kind, title=title, name=["bookmarks", owner.username, tag])


def _group(request, slug: str, kind: str):
    group = get_readable_group(request.user, slug)
    tag = _tag(request)
    chunks = group_chunks(group, tag=tag, annotations=kind == CSV)
    if tag is None:
        title = _("%(group)s: shared items") % {"group": group.name}
    else:
        title = _("%(group)s: items tagged %(tag)s") % {"group": group.name, "tag": tag.name}
    return _download(chunks, kind, title=title, name=[group.slug, tag])


def _tag(request) -> Tag | None:
    """``?tag=`` as a Tag; None when absent; 404 when no tag has that name."""
    name = request.GET.get("tag", "").strip()
    if not name:
        return None
    tag = find_tag(name)
    if tag is None:
        raise Http404("No such tag.")
    return tag


def _download(chunks, kind: str, *, title: str, name: list) -> StreamingHttpResponse:
    body = netscape_file(chunks, title=title) if kind == HTML else diigo_csv_file(chunks)
    response = StreamingHttpResponse(body, content_type=CONTENT_TYPES[kind])
    stem = "-".join(str(part) for part in name if part)
    filename = re.sub(r"[^\w.-]+", "_", stem) + f".{kind}"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # A download of someone's own (perhaps private) bookmarks: no cache keeps it,
    # and should a browser open it in place, nothing in it runs.
    patch_cache_control(response, private=True, no_store=True)
    response["Content-Security-Policy"] = "sandbox"
    return response
