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

With a shared cache, anonymous responses are checked against the group's
*generation* instead, a number kept in that cache and renewed by the same
bumps once they commit (see "Generations" below): a hit then costs no
database query at all.

What is cached:

- anonymous GET and HEAD of a public group's pages: the response, for at
  most ``PAGE_TTL``. View counts do not change the version (a visit would
  retire the page for everyone), so a cached page shows a count at most
  that old; signed-in readers always get a fresh page, with live counts.
- anonymous feeds of a public group: the whole response with its ETag and
  Last-Modified, until the version changes (``FEED_TTL`` at most).
  Conditional GET is answered from it (``feeds.conditional``).
- item counts, the tag cloud and the list pages' item cards
  (``groups.fragments``), for every reader of the group (who may read it is
  checked before): until the version changes.

A members-only group's pages and feeds are never stored as a response: an
anonymous reader cannot open them, and signed-in readers are not served
from the cache.
"""

import hashlib
import weakref
from collections.abc import Callable, Collection, Iterable
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
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

T = TypeVar("T")

#: How long an anonymous page is kept: the age limit of the view counts it shows.
PAGE_TTL = 60
#: Feeds, counts and clouds are retired by the version; this only frees memory.
DATA_TTL = 60 * 60 * 24
#: Anonymous feeds are retired by the version too; kept no longer than this
#: all the same, as a bound on anything changed behind the application's back.
FEED_TTL = 10 * 60
#: The query parameters a cacheable page may carry; anything else is served
#: fresh, so made-up parameters cannot fill the cache.
PAGE_QUERY = frozenset({"page", "per_page"})


# --- Versions ---------------------------------------------------------------


def bump_groups(group_ids: Iterable[int]) -> None:
    """New versions for these groups: their cached pages, feeds and counts retire."""
    ids = set(group_ids)
    if ids:
        _bump(Group.objects.filter(pk__in=ids))


def bump_groups_showing(**rows) -> None:
    """New versions for every group that shows any of these rows (see
    ``groups_showing``): one UPDATE whatever the number of rows (and, with a
    shared cache, one SELECT first for the slugs whose generations renew)."""
    groups = groups_showing(**rows)
    if groups is not None:
        _bump(groups)


def _bump(groups: QuerySet[Group]) -> None:
    if not shared_cache():
        groups.update(version=new_cache_version())
        return
    found = dict(groups.values_list("pk", "slug"))
    if found:
        Group.objects.filter(pk__in=found).update(version=new_cache_version())
        renew_generations(found.values())


# --- Generations: the version as anonymous responses see it -------------------
#
# With a cache every process shares (Redis), an anonymous response is stored
# with its group's *generation*, a random number kept in that cache under the
# group's slug, and a hit reads both in one round trip and compares them: no
# database query at all. A bump gives every group it touched a new
# generation once its transaction has committed, so the entries stored
# before are never served again; so do renaming a group (under its old
# slug too) and deleting it (groups.signals).
#
# Why this is exact: a miss reads the generation *before* it reads anything
# it renders, and a writer replaces the generation only *after* its change is
# committed. So whoever reads the new generation renders the change; an entry
# stored under an older generation was read before the writer replaced it,
# and is never matched again. Writers racing each other only add misses: each
# writes a fresh random number, never an old one. A generation the cache lost
# (evicted, flushed) is started afresh, again a number no entry carries.
#
# Without a shared cache (the embedded default, where the worker keeps its
# own), a generation written by one process would never reach another, so
# the anonymous cache reads the group's version from the database instead.


def shared_cache() -> bool:
    """Whether every process (web servers and workers) uses the same cache."""
    return settings.CACHE_SHARED


def _generation_key(slug: str) -> str:
    return f"group-generation:{hashlib.sha256(slug.encode()).hexdigest()}"


def renew_generations(slugs: Iterable[str]) -> None:
    """New generations for the groups at these slugs, once the change is
    committed: the renewal that makes the cache exact. Renewed at once as
    well, so that whatever runs later in the same transaction (the rest of a
    command, a test) reads the change; an entry rendered meanwhile from the
    uncommitted state by another process is retired by the renewal on commit."""
    if not shared_cache():
        return
    keys = [_generation_key(slug) for slug in slugs]

    def renew() -> None:
        cache.set_many({key: new_cache_version() for key in keys}, DATA_TTL)

    renew()
    transaction.on_commit(renew)


def current_generation(slug: str) -> int:
    """The generation of the group at ``slug``, started afresh when the cache has none."""
    key = _generation_key(slug)
    generation = cache.get(key)
    if generation is None:
        cache.add(key, new_cache_version(), DATA_TTL)
        generation = cache.get(key)
    return generation


def group_at(slug: str) -> Group | None:
    """The group at this slug, as the database has it. With a shared cache
    the row is kept beside the group's generation, like an anonymous page,
    and read with it in one round trip: every group page starts here."""
    if not shared_cache():
        return Group.objects.filter(slug=slug).first()
    generation_key, row_key = _generation_key(slug), f"group-row:{_generation_key(slug)}"
    found = cache.get_many([generation_key, row_key])
    stored, generation = found.get(row_key), found.get(generation_key)
    if stored is not None and generation is not None and stored[0] == generation:
        return stored[1]
    generation = current_generation(slug)  # before the row is read
    group = Group.objects.filter(slug=slug).first()
    if group is not None:
        cache.set(row_key, (generation, group), PAGE_TTL)
    return group


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


def remember(
    group: Group,
    name: str,
    compute: Callable[[], T],
    *,
    keep: Callable[[T], bool] = lambda value: True,
) -> T:
    """``compute()``, kept until the group's version changes (when ``keep``
    says so of it). ``group`` must have been read in this request, so that
    its version is current."""
    key = version_key(group, "data", name)
    value = cache.get(key)
    if value is None:
        value = compute()
        if value is not None and keep(value):
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


def _identity(request: HttpRequest) -> str:
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
    return hashlib.sha256(identity.encode()).hexdigest()


def serve_anonymous(
    request: HttpRequest,
    slug: str,
    build: Callable[[Group | None], HttpResponse],
    *,
    kind: str,
    timeout: int,
    allowed_query: Collection[str] = (),
    answer: Callable[[HttpResponse], HttpResponse] | None = None,
) -> HttpResponse:
    """The response ``build(group)`` makes for a page or feed of the group
    ``slug``, taken from the cache when an anonymous reader asked for the
    same thing of this version of a public group. ``build`` is given the
    group when it was read here (public, as an anonymous reader sees it),
    else None: whoever may not open the group gets its 404 from ``build``.
    ``answer`` turns a stored response into a 304 when the reader's copy is
    current (feeds): asked first of the stored headers alone."""
    if not _shareable(request, allowed_query):
        return build(None)
    if shared_cache():
        return _serve_by_generation(request, slug, build, kind=kind, timeout=timeout, answer=answer)
    group = _public_group(slug)
    if group is None:
        return build(None)
    key = version_key(group, kind, _identity(request))
    stored = cache.get(key)
    if stored is not None:
        content, headers = stored
        return HttpResponse(content, headers=headers)
    response = build(group)
    if _storable(request, response):
        cache.set(key, (response.content, dict(response.items())), timeout)
    return response


def _serve_by_generation(
    request, slug, build, *, kind: str, timeout: int, answer=None
) -> HttpResponse:
    # Headers and body are kept apart, each with the generation it was built
    # under: a conditional request answered 304 never reads the body.
    identity = f"anonymous:{kind}:{_identity(request)}"
    head_key, body_key = f"{identity}:head", f"{identity}:body"
    generation_key = _generation_key(slug)
    conditional = answer is not None and _is_conditional(request)
    found = cache.get_many([generation_key, head_key, *([] if conditional else [body_key])])
    generation, head = found.get(generation_key), found.get(head_key)
    if generation is not None and head is not None and head[0] == generation:
        if conditional:
            answered = answer(HttpResponse(headers=head[1]))
            if answered.status_code == 304:
                return answered
            found = cache.get_many([body_key])
        body = found.get(body_key)
        if body is not None and body[0] == generation:
            return HttpResponse(body[1], headers=head[1])
    group = _public_group(slug)
    if group is None:
        return build(None)
    generation = current_generation(slug)  # before anything is rendered
    response = build(group)
    if _storable(request, response):
        entries = {
            head_key: (generation, dict(response.items())),
            body_key: (generation, response.content),
        }
        cache.set_many(entries, timeout)
    return response


def _public_group(slug: str) -> Group | None:
    """The group at ``slug`` when anyone may read it (``readable_groups``'
    rule for an anonymous reader): only a public group's responses are
    stored. Feeds build from the group handed to them here."""
    group = group_at(slug)
    return group if group is not None and group.is_public else None


def _is_conditional(request: HttpRequest) -> bool:
    return "HTTP_IF_NONE_MATCH" in request.META or "HTTP_IF_MODIFIED_SINCE" in request.META


def cache_anonymous_page(view):
    """Serve a group page (a view taking the group's ``slug``) to anonymous
    readers from the cache, for at most PAGE_TTL (the age limit of its view
    counts)."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        def build(_group) -> HttpResponse:
            # The view reads the group itself, as the reader may see it.
            return view(request, slug, *args, **kwargs)

        return serve_anonymous(
            request, slug, build, kind="page", timeout=PAGE_TTL, allowed_query=PAGE_QUERY
        )

    return wrapper
