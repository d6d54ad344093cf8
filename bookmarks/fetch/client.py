"""fetch(url): the one way Commonplace reads a page from the web.

Each hop is parsed and checked by .addresses, and its connection goes to the
checked address itself (see .transport), so a second DNS answer never decides
where a request lands. The limits on time, redirects and bytes hold across
the whole fetch.

There is deliberately no requests.Session: Session.send reads the whole body
of a redirect response into memory even with allow_redirects=False, and
consults the environment (proxy variables, .netrc) and a cookie jar. A
prepared request goes straight to a pinned adapter instead, so no proxy,
netrc or cookie is ever used — the effect of trust_env=False and then some.
"""

import codecs
import logging
import socket
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import DecodeError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import SSLError as Urllib3SSLError

from .addresses import FetchRefused, Target, parse_target, resolve
from .transport import Deadline, Pin, PinnedAdapter

logger = logging.getLogger(__name__)

DEFAULT_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Client errors that mean "not now" rather than "never".
RETRYABLE_CLIENT_STATUSES = frozenset({408, 429})
CHUNK_BYTES = 64 * 1024
#: Passed to requests as ``verify``: True is certifi's bundle. Tests point it
#: at their own certificate authority.
TLS_VERIFY: bool | str = True


class FetchFailed(Exception):
    """The page could not be fetched; ``retryable`` says whether to try later."""

    def __init__(self, reason: str, retryable: bool, status: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    #: The final URL, after redirects.
    url: str
    status: int
    headers: CaseInsensitiveDict
    #: Media type from the Content-Type header, lower case, without parameters.
    content_type: str
    #: From the Content-Type header, and only when Python knows the codec.
    charset: str | None
    #: Decompressed; never decoded to text (see charset).
    body: bytes
    #: The URLs that answered with a redirect, in order; ``url`` came last.
    redirects: list[str]
    #: The IP address the last hop connected to.
    connected_address: str


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    max_decompressed_bytes: int | None = None,
    timeout: float | None = None,
    accept: str = DEFAULT_ACCEPT,
) -> FetchResult:
    """GET ``url`` through the guard; limits default to the FETCH_* settings.

    Raises FetchRefused when the guard says no, FetchFailed otherwise.
    """
    try:
        return _fetch(
            url,
            max_bytes=settings.FETCH_MAX_BYTES if max_bytes is None else max_bytes,
            max_decompressed_bytes=(
                settings.FETCH_MAX_DECOMPRESSED_BYTES
                if max_decompressed_bytes is None
                else max_decompressed_bytes
            ),
            timeout=settings.FETCH_TIMEOUT if timeout is None else timeout,
            accept=accept,
        )
    except FetchRefused as refusal:
        # Expected: no traceback, the reason says it all.
        logger.info("Refused to fetch %s: %s", url, refusal.reason)
        raise
    except FetchFailed as failure:
        logger.warning("Could not fetch %s: %s", url, failure.reason)
        raise


def _fetch(
    url: str, *, max_bytes: int, max_decompressed_bytes: int, timeout: float, accept: str
) -> FetchResult:
    headers = {
        "User-Agent": settings.FETCH_USER_AGENT,
        "Accept": accept,
        # Only encodings whose decompressed size the tests measure.
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }
    redirects: list[str] = []
    with closing(Deadline(timeout)) as deadline:
        while True:
            target = parse_target(url)
            if target.url in redirects:
                raise FetchRefused(_("The page redirects in a loop."))
            addresses = _resolve(target, deadline)
            with _open(target, addresses, headers, deadline) as (response, pin):
                location = _redirect_location(response, target)
                if location is None:
                    _check_status(response)
                    body = _read_body(response, deadline, max_bytes, max_decompressed_bytes)
                    content_type, charset = parse_content_type(
                        response.headers.get("Content-Type", "")
                    )
                    return FetchResult(
                        url=target.url,
                        status=response.status_code,
                        headers=CaseInsensitiveDict(response.headers),
                        content_type=content_type,
                        charset=charset,
                        body=body,
                        redirects=redirects,
                        connected_address=pin.connected_address,
                    )
            # The redirect's own body is never read: it could be endless.
            if len(redirects) >= settings.FETCH_MAX_REDIRECTS:
                raise FetchRefused(
                    _("The page redirects more than %(count)d times.")
                    % {"count": settings.FETCH_MAX_REDIRECTS}
                )
            redirects.append(target.url)
            url = location


def _resolve(target: Target, deadline: Deadline) -> tuple[str, ...]:
    try:
        addresses = resolve(target)
    except socket.gaierror as error:
        raise FetchFailed(
            _("%(host)s could not be resolved (%(error)s).")
            % {"host": target.host, "error": error.strerror},
            # "No such name" will not change on retry; a resolver hiccup may.
            retryable=error.errno != socket.EAI_NONAME,
        ) from error
    if deadline.expired:
        raise _timed_out(deadline)
    return addresses


@contextmanager
def _open(
    target: Target, addresses: tuple[str, ...], headers: dict[str, str], deadline: Deadline
) -> Iterator[tuple[requests.Response, Pin]]:
    """Send the request of one hop; the response is open for streaming."""
    pin = Pin(host=target.host, addresses=addresses, deadline=deadline)
    try:
        request = requests.Request("GET", target.url, headers=headers).prepare()
    except requests.exceptions.InvalidURL:
        raise FetchRefused(_("This is not a URL that can be fetched.")) from None
    with closing(PinnedAdapter(pin)) as adapter:
        remaining = deadline.remaining()
        try:
            response = adapter.send(
                request, stream=True, timeout=(remaining, remaining), verify=TLS_VERIFY
            )
        except requests.RequestException as error:
            raise _network_failure(error, deadline) from error
        with closing(response):
            yield response, pin


def _redirect_location(response: requests.Response, target: Target) -> str | None:
    if response.status_code not in REDIRECT_STATUSES:
        return None
    location = response.headers.get("Location")
    if not location:
        return None
    # http.client reads headers as Latin-1; servers send UTF-8 (as requests assumes).
    with suppress(UnicodeError):
        location = location.encode("latin-1").decode("utf-8")
    return urljoin(target.url, location)


def _check_status(response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    raise FetchFailed(
        _("The server answered %(status)d %(reason)s.")
        % {"status": status, "reason": response.reason or ""},
        retryable=status >= 500 or status in RETRYABLE_CLIENT_STATUSES,
        status=status,
    )


def _read_body(
    response: requests.Response, deadline: Deadline, max_bytes: int, max_decompressed_bytes: int
) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    raw = response.raw
    body = bytearray()
    try:
        while not deadline.expired:
            # read1 returns what one read from the socket gives (decompressed
            # at most CHUNK_BYTES), so the checks below run between reads.
            chunk = raw.read1(CHUNK_BYTES, decode_content=True)
            if not chunk:
                break
            body += chunk
            # tell() counts bytes as they came off the wire, before decompression.
            if raw.tell() > max_bytes:
                raise _too_large(max_bytes)
            if len(body) > max_decompressed_bytes:
                raise FetchRefused(
                    _("The page decompresses to more than %(size)s bytes.")
                    % {"size": max_decompressed_bytes}
                )
    except (Urllib3Error, OSError) as error:
        raise _network_failure(error, deadline) from error
    if deadline.expired:
        # The deadline shuts the socket down, which can look like a normal end.
        raise _timed_out(deadline)
    return bytes(body)


def parse_content_type(value: str) -> tuple[str, str | None]:
    """The media type and charset of a Content-Type header value."""
    media_type, _sep, parameters = value.partition(";")
    charset = None
    for parameter in parameters.split(";"):
        name, _sep, parameter_value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = parameter_value.strip().strip("\"'").lower() or None
    if charset is not None:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
    return media_type.strip().lower(), charset


def _too_large(max_bytes: int) -> FetchRefused:
    return FetchRefused(_("The page is too large (over %(size)s bytes).") % {"size": max_bytes})


def _timed_out(deadline: Deadline) -> FetchFailed:
    return FetchFailed(
        _("The page took longer than %(seconds)s seconds to fetch.")
        % {"seconds": f"{deadline.seconds:g}"},
        retryable=True,
    )


def _network_failure(error: Exception, deadline: Deadline) -> FetchFailed:
    if deadline.expired:
        return _timed_out(deadline)
    if isinstance(error, requests.exceptions.SSLError | Urllib3SSLError):
        # A certificate that does not match will not match tomorrow either.
        reason = _("The secure connection failed: %(error)s") % {"error": error}
        return FetchFailed(reason, retryable=False)
    if isinstance(error, requests.exceptions.ContentDecodingError | DecodeError):
        return FetchFailed(_("The page is not validly compressed."), retryable=False)
    return FetchFailed(_("Network error: %(error)s") % {"error": error}, retryable=True)
