"""The Web Annotation Protocol, read-only (https://www.w3.org/TR/annotation-protocol/).

Each highlight is an annotation at its own IRI. A bookmark, a group and a
user each have a container: an AnnotationCollection whose AnnotationPages
(``?page=N``, ``PAGE_SIZE`` each) list the annotations the reader may see,
as full descriptions or, when the client prefers, as IRIs (``?iris=1``).
A group's discussion notes on a highlight are replies inside that group's
container only. Anything the reader may not see is a 404.
"""

import json
from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import CharField, F, QuerySet, Value
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from groups.models import Group, GroupNote
from groups.visibility import (
    get_readable_group,
    readable_bookmarks,
    readable_group_notes,
    readable_highlights,
)

from .models import Highlight
from .webanno import (
    ANNO_CONTEXT,
    CONTENT_TYPE,
    Absolute,
    annotation_rows,
    highlight_annotation,
    highlight_iri,
    reply_annotation,
    with_states,
)

#: Annotations on one container page.
PAGE_SIZE = 100
#: Highlights loaded at a time while streaming an export.
EXPORT_CHUNK = 200
ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")

LDP_RESOURCE = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
LDP_CONTAINER = '<http://www.w3.org/ns/ldp#BasicContainer>; rel="type"'
CONSTRAINED_BY = (
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"
PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"

HIGHLIGHT = "highlight"
REPLY = "reply"


def read_only(view):
    """GET, HEAD and OPTIONS; any other method is a 405 that names them."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ALLOWED_METHODS:
            return HttpResponseNotAllowed(ALLOWED_METHODS)
        return view(request, *args, **kwargs)

    return wrapped


def _jsonld_response(request, document: dict, *, links: list[str], vary: list[str]):
    """The document with the protocol's headers; 304 when the reader's copy
    (If-None-Match) is current; headers alone for OPTIONS."""
    response = HttpResponse(content_type=CONTENT_TYPE)
    response["Allow"] = ", ".join(ALLOWED_METHODS)
    response["Link"] = ", ".join(links)
    response["X-Content-Type-Options"] = "nosniff"
    patch_vary_headers(response, vary)
    # What a reader sees depends on who they are and changes when a group
    # or a bookmark turns private: no shared cache keeps it, and every reuse
    # is revalidated against the ETag.
    patch_cache_control(response, private=True, no_cache=True)
    if request.method == "OPTIONS":
        return response
    response.content = json.dumps(document, ensure_ascii=False).encode()
    set_response_etag(response)
    return get_conditional_response(request, etag=response["ETag"], response=response)


# One annotation ---------------------------------------------------------------


@read_only
def highlight(request, highlight_id):
    rows = with_states(
        list(annotation_rows(readable_highlights(request.user).filter(pk=highlight_id)))
    )
    if not rows:
        raise Http404("No such annotation.")
    document = {"@context": ANNO_CONTEXT, **highlight_annotation(rows[0], _absolute(request))}
    return _jsonld_response(request, document, links=[LDP_RESOURCE], vary=["Accept"])


@read_only
def reply(request, group_note_id):
    """A group's discussion note on a highlight, for that group's readers only."""
    note = _replies(request.user).filter(pk=group_note_id).select_related("author").first()
    if note is None:
        raise Http404("No such annotation.")
    document = {"@context": ANNO_CONTEXT, **_reply(note, _absolute(request))}
    return _jsonld_response(request, document, links=[LDP_RESOURCE], vary=["Accept"])


def _replies(reader, group: Group | None = None) -> QuerySet[GroupNote]:
    """Discussion notes on a highlight that their group's container shows
    (one shared into that group), in groups the reader may open."""
    return readable_group_notes(reader, group).filter(
        highlight__isnull=False, highlight__bookmark__shares__item__group=F("item__group")
    )


def _reply(note: GroupNote, absolute: Absolute) -> dict:
    return reply_annotation(
        iri=_reply_iri(note.pk, absolute),
        target=highlight_iri(note.highlight_id, absolute),
        author=note.author,
        text=note.text,
        created=note.created_at,
        modified=note.updated_at,
        absolute=absolute,
    )


def _reply_iri(group_note_id: int, absolute: Absolute) -> str:
    return absolute(reverse("webanno:reply", args=[group_note_id]))


def _absolute(request) -> Absolute:
    return request.build_absolute_uri


# Containers -------------------------------------------------------------------


@dataclass(frozen=True)
class Contents:
    """What a container holds for its reader: ``keys`` yields ``(kind, pk, …)``
    in container order, kind being ``HIGHLIGHT`` or ``REPLY``."""

    keys: QuerySet

    def iri(self, key: tuple, absolute: Absolute) -> str:
        kind, pk = key[0], key[1]
        if kind == REPLY:
            return _reply_iri(pk, absolute)
        return highlight_iri(pk, absolute)

    def describe(self, keys: list[tuple], absolute: Absolute) -> list[dict]:
        """The annotations for these keys, in their order, in at most five queries."""
        wanted = {HIGHLIGHT: [], REPLY: []}
        for key in keys:
            wanted[key[0]].append(key[1])
        found = {}
        if wanted[HIGHLIGHT]:
            rows = list(annotation_rows(Highlight.objects.filter(pk__in=wanted[HIGHLIGHT])))
            for row in with_states(rows):
                found[HIGHLIGHT, row.pk] = highlight_annotation(row, absolute)
        if wanted[REPLY]:
            notes = GroupNote.objects.filter(pk__in=wanted[REPLY]).select_related("author")
            for note in notes:
                found[REPLY, note.pk] = _reply(note, absolute)
        # A row deleted between the two reads is left out rather than failing.
        return [found[key[0], key[1]] for key in keys if (key[0], key[1]) in found]


def _keys(queryset: QuerySet, kind: str, *extra: str) -> QuerySet:
    return (
        queryset.annotate(kind=Value(kind, output_field=CharField()))
        .order_by()
        .values_list("kind", "pk", *extra)
    )


@read_only
def bookmark_container(request, bookmark_id):
    bookmark = (
        readable_bookmarks(request.user)
        .filter(pk=bookmark_id)
        .select_related("page")
        .only("pk", "title", "url", "page__title")
        .first()
    )
    if bookmark is None:
        raise Http404("No such bookmark.")
    highlights = readable_highlights(request.user).filter(bookmark=bookmark)
    return _container(
        request,
        path=reverse("webanno:bookmark", args=[bookmark.pk]),
        label=_("Annotations on %(title)s") % {"title": bookmark.display_title},
        contents=Contents(keys=_keys(highlights, HIGHLIGHT).order_by("ordinal", "pk")),
    )


@read_only
def group_container(request, slug):
    group = get_readable_group(request.user, slug)
    highlights = readable_highlights(request.user).filter(bookmark__shares__item__group=group)
    replies = _replies(request.user, group)
    # Oldest first: a reply follows the highlight it answers, and new
    # annotations land on the last page.
    keys = (
        _keys(highlights, HIGHLIGHT, "created_at")
        .union(_keys(replies, REPLY, "created_at"), all=True)
        .order_by("created_at", "kind", "pk")
    )
    return _container(
        request,
        path=reverse("webanno:group", args=[group.slug]),
        label=_("Annotations in %(group)s") % {"group": group.name},
        contents=Contents(keys=keys),
    )


@read_only
def user_container(request, username):
    owner = get_object_or_404(get_user_model(), username=username)
    highlights = readable_highlights(request.user).filter(bookmark__user=owner)
    return _container(
        request,
        path=reverse("webanno:user", args=[owner.username]),
        label=_("Annotations by %(name)s") % {"name": owner.name},
        contents=Contents(keys=_keys(highlights, HIGHLIGHT).order_by("created_at", "pk")),
    )


def _container(request, *, path: str, label: str, contents: Contents) -> HttpResponse:
    absolute = _absolute(request)
    includes = _prefer_includes(request.headers.get("Prefer", ""))
    iris = _wants_iris(request, includes)
    total = contents.keys.count()
    last = max(1, -(-total // PAGE_SIZE))
    container_iri = absolute(path)

    def page_iri(number: int) -> str:
        query = {"iris": 1, "page": number} if iris else {"page": number}
        return absolute(f"{path}?{urlencode(query)}")

    def page(number: int, *, embedded: bool) -> dict:
        offset = (number - 1) * PAGE_SIZE
        keys = list(contents.keys[offset : offset + PAGE_SIZE])
        document = {"id": page_iri(number), "type": "AnnotationPage"}
        if not embedded:
            document["partOf"] = {"id": container_iri, "label": label, "total": total}
        document["startIndex"] = offset
        if number > 1:
            document["prev"] = page_iri(number - 1)
        if number < last:
            document["next"] = page_iri(number + 1)
        document["items"] = (
            [contents.iri(key, absolute) for key in keys]
            if iris
            else contents.describe(keys, absolute)
        )
        return document

    raw_page = request.GET.get("page")
    if raw_page is None:
        document = {
            "@context": ANNO_CONTEXT,
            "id": container_iri,
            "type": "AnnotationCollection",
            "label": label,
            "total": total,
        }
        if total:
            document["first"] = (
                page_iri(1) if PREFER_MINIMAL in includes else page(1, embedded=True)
            )
            document["last"] = page_iri(last)
        links = [LDP_CONTAINER, CONSTRAINED_BY]
    else:
        document = {"@context": ANNO_CONTEXT, **page(_page_number(raw_page, last), embedded=False)}
        links = [CONSTRAINED_BY]
    response = _jsonld_response(request, document, links=links, vary=["Accept", "Prefer"])
    if includes & {PREFER_IRIS, PREFER_DESCRIPTIONS, PREFER_MINIMAL}:
        response["Preference-Applied"] = "return=representation"
    return response


def _prefer_includes(header: str) -> set[str]:
    """The IRIs in ``return=representation;include="…"`` of a Prefer header (RFC 7240)."""
    includes = set()
    for preference in header.split(","):
        name, *params = (part.strip() for part in preference.split(";"))
        if name.replace(" ", "").lower() != "return=representation":
            continue
        for param in params:
            key, _sep, value = param.partition("=")
            if key.strip().lower() == "include":
                includes.update(value.strip().strip('"').split())
    return includes


def _wants_iris(request, includes: set[str]) -> bool:
    """``?iris=1`` or ``0`` names the representation (page IRIs carry it);
    otherwise the Prefer header chooses, descriptions by default."""
    raw = request.GET.get("iris")
    if raw is None:
        return PREFER_IRIS in includes and PREFER_DESCRIPTIONS not in includes
    if raw not in ("0", "1"):
        raise Http404("No such representation.")
    return raw == "1"


def _page_number(raw: str, last: int) -> int:
    """A page between 1 and ``last``, or 404: never a 500 on ``?page=x``."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise Http404("No such page.")
    number = int(raw)
    if not 1 <= number <= last:
        raise Http404("No such page.")
    return number


# Export -----------------------------------------------------------------------


@login_required
@require_safe
def export(request):
    """All the signed-in user's annotations as one JSON-LD file, streamed a
    chunk of highlights at a time, so memory stays flat however many."""
    owner = request.user
    absolute = _absolute(request)
    highlights = readable_highlights(owner).filter(bookmark__user=owner)
    head = {
        "@context": ANNO_CONTEXT,
        "id": absolute(reverse("webanno:export")),
        "type": "AnnotationCollection",
        "label": _("All annotations by %(name)s") % {"name": owner.name},
    }
    response = StreamingHttpResponse(
        _export_stream(highlights, head, absolute), content_type=CONTENT_TYPE
    )
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"annotations-{owner.username}.jsonld"
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _export_stream(highlights: QuerySet[Highlight], head: dict, absolute: Absolute):
    """The collection with every annotation on one embedded page; ``total``
    comes last, so it counts exactly what was written."""
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    yield (opening + ',"first":{"type":"AnnotationPage","startIndex":0,"items":[').encode()
    written, after = 0, 0
    while True:
        chunk = annotation_rows(highlights.filter(pk__gt=after)).order_by("pk")[:EXPORT_CHUNK]
        rows = with_states(list(chunk))
        if not rows:
            break
        items = ",".join(
            json.dumps(highlight_annotation(row, absolute), ensure_ascii=False) for row in rows
        )
        yield (("," if written else "") + items).encode()
        written += len(rows)
        after = rows[-1].pk
        if len(rows) < EXPORT_CHUNK:
            break
    yield f']}},"total":{written}}}'.encode()
