"""What the writing views share: the reader's own bookmark, highlight or
note, and the way back to a safe ``next`` address.

Whether the reader may *see* something is decided by ``groups.visibility``
alone: what they may not see is a 404, so its existence does not leak; what
they may see but is someone else's is a 403."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from groups.visibility import readable_bookmarks

from .models import Bookmark


def own_bookmark(request, bookmark_id: int) -> Bookmark:
    bookmark = readable_bookmarks(request.user).filter(pk=bookmark_id).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    if bookmark.user_id != request.user.pk:
        raise PermissionDenied
    return bookmark


def own_annotation(request, readable: QuerySet, pk: int):
    """A highlight or sticky note from ``readable`` (what the reader may
    see) on one of the reader's own bookmarks, with its bookmark joined."""
    annotation = readable.filter(pk=pk).select_related("bookmark").first()
    if annotation is None:
        raise Http404("No such annotation.")
    if annotation.bookmark.user_id != request.user.pk:
        raise PermissionDenied
    return annotation


def next_url(request, fallback: str) -> str:
    """The posted (or queried) ``next`` when it stays on this site, else ``fallback``."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def redirect_back(request, fallback: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_url(request, fallback))
