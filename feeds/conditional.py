"""Conditional GET for feeds: an ETag from the body, and a Last-Modified that
moves whenever the body does.

The rows a feed shows carry timestamps, but a deleted note or a changed tag
leaves none behind, so the newest timestamp alone could answer 304 to a
reader whose copy is stale. Instead each feed remembers, in the cache, the
ETag it last served and the time that version was first seen; a new body
always gets a later time. Readers that send If-None-Match (it wins over
If-Modified-Since) never depend on that memory at all.
"""

import hashlib
from datetime import datetime, timedelta

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, parse_http_date
from django.utils.translation import get_language

#: How long a feed's last version is remembered; a forgotten version only
#: costs one full response.
VERSION_TTL = 60 * 60 * 24 * 30


def _version_key(request: HttpRequest, response: HttpResponse) -> str:
    # Host and language change the body (absolute URLs, translated titles).
    identity = "|".join(
        [request.get_host(), request.path, get_language() or "", response["Content-Type"]]
    )
    return "feeds:version:" + hashlib.sha256(identity.encode()).hexdigest()


def _last_modified(key: str, etag: str, content_date: datetime) -> datetime:
    """When this version of the feed was first served: never before what it
    shows, and always after the version served before it."""
    remembered = cache.get(key)
    if remembered is not None and remembered[0] == etag:
        return remembered[1]
    stamp = max(timezone.now(), content_date).replace(microsecond=0)
    if remembered is not None:
        stamp = max(stamp, remembered[1] + timedelta(seconds=1))
    cache.set(key, (etag, stamp), VERSION_TTL)
    return stamp


def stamp_feed_response(
    request: HttpRequest, response: HttpResponse, *, content_date: datetime, private: bool
) -> HttpResponse:
    """Add ETag, Last-Modified and caching headers to a whole feed."""
    set_response_etag(response)
    stamp = _last_modified(_version_key(request, response), response["ETag"], content_date)
    response["Last-Modified"] = http_date(stamp.timestamp())
    if private:
        # A members-only feed: no shared cache may keep it, and what it shows
        # may depend on the session.
        patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Cookie"])
    else:
        # Caches may keep a public feed but must ask first, so a group made
        # private stops being served from them at once.
        patch_cache_control(response, no_cache=True)
    return response


def answer_conditionally(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """304 when the reader's copy of a stamped feed is current (also for a
    feed served from the cache), else the feed itself."""
    if response.status_code != 200 or not response.has_header("ETag"):
        return response
    return get_conditional_response(
        request,
        etag=response["ETag"],
        last_modified=parse_http_date(response["Last-Modified"]),
        response=response,
    )
