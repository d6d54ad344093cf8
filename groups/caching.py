"""Caching a group's pages, feeds and counts, and the version that keeps it right.

Each group has a ``version`` in the database (``Group.version``). Whatever
changes something the group's pages or feeds show replaces it, in the same
transaction, through the ``bump_*`` functions below: model signals
(``groups.signals``) for single rows saved or deleted anywhere, explicit
calls in this app's bulk writes (``services``, ``departures``), and signals
from the apps below for their bulk writes. Every cache key of a group
carries its version, and a request reads the version with the group (the
query its access check makes anyway). So a change committed by any process
— a web server, the snapshot worker, an import — retires every cached page,
feed and count of that group for every process at once, and the cache
itself may be per process (local memory) or shared (Redis): it is never
asked whether an entry is stale, only for the key that is current.

What is cached:

- anonymous GET and HEAD of a public group's pages: the response, for at
  most ``PAGE_TTL``. View counts do not change the version (a visit would
  retire the page for everyone), so a cached page shows a count at most
  that old; signed-in readers always get a fresh page, with live counts.
- anonymous feeds of a public group: the whole response with its ETag and
  Last-Modified, until the version changes. Conditional GET is answered
  from it (``feeds.base``).
- item counts and the tag cloud, for every reader of the group (who may
  read it is checked before): until the version changes.

A members-only group's pages and feeds are never stored as a response: an
anonymous reader cannot open them, and signed-in readers are not served
from the cache.
"""

import hashlib
import weakref
from collections.abc import Callable, Collection, Iterable
from functools import wraps
from typing import TypeVar

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

from .models import (
    Group,
    GroupItem,
    GroupItemTag,
    GroupNote,
    GroupShare,
    Membership,
    new_cache_version,
)
from .visibility import readable_groups

T = TypeVar("T")

#: How long an anonymous page is kept: the age limit of the view counts it shows.
PAGE_TTL = 60
#: Feeds, counts and clouds are retired by the version; this only frees memory.
DATA_TTL = 60 * 60 * 24
#: The query parameters a cacheable page may carry; anything else is served
#: fresh, so made-up parameters cannot fill the cache.
PAGE_QUERY = frozenset({"page", "per_page"})


# --- Versions ---------------------------------------------------------------


def bump_groups(group_ids: Iterable[int]) -> None:
    """New versions for these groups: their cached pages, feeds and counts retire."""
    ids = set(group_ids)
    if ids:
        Group.objects.filter(pk__in=ids).update(version=new_cache_version())


def bump_groups_showing(**rows) -> None:
    """New versions for every group that shows any of these rows (see
    ``groups_showing``): one UPDATE whatever the number of rows."""
    groups = groups_showing(**rows)
    if groups is not None:
        groups.update(version=new_cache_version())


Ids = Collection[int] | QuerySet


def _given(ids: Ids) -> bool:
    # A queryset stays a subquery: asking it for its length would run it.
    return isinstance(ids, QuerySet) or len(ids) > 0


def groups_showing(
    *,
    group_ids: Ids = (),
    item_ids: Ids = (),
    bookmark_ids: Ids = (),
    page_ids: Ids = (),
    tag_ids: Ids = (),
    user_ids: Ids = (),
) -> QuerySet[Group] | None:
    """The groups that show any of these rows: themselves, their items,
    bookmarks shared into them (with their highlights and notes), pages of
    their items (titles and cached copies), tags of their items, and people
    named on them (sharers, discussion, members). None when no rows are
    given. Ids may be a queryset of ids; each kind is reached through an
    index on its id (see test_query_plans)."""
    shown = Q()
    if _given(group_ids):
        shown |= Q(pk__in=group_ids)
    if _given(item_ids):
        shown |= Q(pk__in=GroupItem.objects.filter(pk__in=item_ids).values("group_id"))
    if _given(bookmark_ids):
        shares = GroupShare.objects.filter(bookmark_id__in=bookmark_ids)
        shown |= Q(pk__in=shares.values("item__group_id"))
    if _given(page_ids):
        shown |= Q(pk__in=GroupItem.objects.filter(page_id__in=page_ids).values("group_id"))
    if _given(tag_ids):
        shown |= Q(pk__in=GroupItemTag.objects.filter(tag_id__in=tag_ids).values("group_id"))
    if _given(user_ids):
        shares = GroupShare.objects.filter(bookmark__user_id__in=user_ids)
        notes = GroupNote.objects.filter(author_id__in=user_ids)
        shown |= (
            Q(pk__in=GroupItem.objects.filter(shared_by_id__in=user_ids).values("group_id"))
            | Q(pk__in=shares.values("item__group_id"))
            | Q(pk__in=notes.values("item__group_id"))
            | Q(pk__in=Membership.objects.filter(user_id__in=user_ids).values("group_id"))
        )
    return Group.objects.filter(shown) if shown else None


#: Querysets being deleted whose groups were bumped already.
_bumped_for = weakref.WeakSet()


def bump_before_deletion(instance, origin, *, kind: str, field: str) -> None:
    """Before a row is deleted, bump the groups that show it (``kind`` is a
    keyword of ``groups_showing``, ``field`` the row's id of that kind).

    A row deleted on its own bumps its groups; the first row of a deleted
    queryset of its model bumps the groups of the whole queryset, in one
    query; a row deleted in a cascade does nothing, as the receiver of the
    row it went with (or the service that deleted it) covers its groups."""
    if origin is instance:
        bump_groups_showing(**{kind: [getattr(instance, field)]})
    elif (
        isinstance(origin, QuerySet)
        and origin.model is type(instance)
        and origin not in _bumped_for
    ):
        _bumped_for.add(origin)
        bump_groups_showing(**{kind: origin.values(field)})


# --- Data kept with the version ----------------------------------------------


def version_key(group: Group, kind: str, detail: str) -> str:
    return f"group:{group.pk}:{group.version}:{kind}:{detail}"


def remember(group: Group, name: str, compute: Callable[[], T]) -> T:
    """``compute()``, kept until the group's version changes. ``group`` must
    have been read in this request, so that its version is current."""
    key = version_key(group, "data", name)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, DATA_TTL)
    return value


# --- Responses for anonymous readers ------------------------------------------


def _shareable(request: HttpRequest, allowed_query: Collection[str]) -> bool:
    """Whether the response to this request may come from, and go to, the
    cache: an anonymous GET or HEAD with no state of its own."""
    if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
        return False
    if any(name not in allowed_query or len(request.GET.getlist(name)) > 1 for name in request.GET):
        return False
    # A message waiting for this visitor would be missing from a cached page,
    # or stored into one for everybody.
    return not len(get_messages(request))


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    """A complete 200 that names nobody: no cookie, no CSRF token, not private."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
    )


def _response_key(request: HttpRequest, group: Group, kind: str) -> str:
    # Scheme, host, language and time zone change the body (absolute links,
    # translations, dates in the reader's zone); the full path carries the
    # page and its size, and is echoed in sign-in links.
    identity = "|".join(
        [
            request.scheme,
            request.get_host(),
            get_language() or "",
            timezone.get_current_timezone_name(),
            request.get_full_path(),
        ]
    )
    return version_key(group, kind, hashlib.sha256(identity.encode()).hexdigest())


def serve_shared(
    request: HttpRequest,
    group: Group,
    build: Callable[[], HttpResponse],
    *,
    kind: str,
    timeout: int,
    allowed_query: Collection[str] = (),
) -> HttpResponse:
    """The response ``build()`` makes, taken from the cache when an anonymous
    reader asked for the same thing of this version of a public group."""
    if not group.is_public or not _shareable(request, allowed_query):
        return build()
    return _cached(request, _response_key(request, group, kind), build, timeout)


def _cached(request, key: str, build: Callable[[], HttpResponse], timeout: int) -> HttpResponse:
    stored = cache.get(key)
    if stored is not None:
        content, headers = stored
        return HttpResponse(content, headers=headers)
    response = build()
    if _storable(request, response):
        cache.set(key, (response.content, dict(response.items())), timeout)
    return response


def cache_anonymous_page(view):
    """Serve a group page (a view taking the group's ``slug``) to anonymous
    readers from the cache. The group is looked up here for its version;
    whoever may not open it gets the view itself, and so its 404."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        def build() -> HttpResponse:
            return view(request, slug, *args, **kwargs)

        if not _shareable(request, PAGE_QUERY):
            return build()
        group = readable_groups(None).filter(slug=slug).only("pk", "version").first()
        if group is None:
            return build()
        return _cached(request, _response_key(request, group, "page"), build, PAGE_TTL)

    return wrapper
