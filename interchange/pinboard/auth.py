"""Who is calling the API: ``auth_token=username:TOKEN`` in the query string,
or HTTP Basic with the username and password.

The browser session is never looked at, so a page on another site cannot
make a signed-in browser call the API (the API is exempt from CSRF checks,
which protect session-authenticated forms). Browsers do remember Basic
credentials and send them along with cross-site requests, and Pinboard's
writes are GETs, so Basic credentials are refused on a request the browser
marks as cross-site (``Sec-Fetch-Site``); clients send no such header.

A password goes through Django's ``authenticate``, so django-axes counts
every failure and refuses a locked-out username and address: that answers
429 with ``Retry-After`` (the cool-off), in the API's own format. Failed
attempts of either kind are also counted per client address (``ratelimit``).
"""

import base64
import binascii
from dataclasses import dataclass

from axes.helpers import get_client_ip_address, get_cool_off
from django.contrib.auth import authenticate, get_user_model

from . import ratelimit
from .tokens import ApiToken

#: Values of Sec-Fetch-Site that a browser sends for its own navigation
#: (typed address, bookmark) or a same-origin request.
TRUSTED_FETCH_SITES = {"", "none", "same-origin"}


@dataclass
class AuthFailed(Exception):
    """No valid credentials: 401, or 429 during a lock-out."""

    code: str = "authentication failed"
    status: int = 401
    retry_after: int | None = None


def api_user(request):
    """The user the call is made for. Raises AuthFailed or ratelimit.Limited."""
    address = get_client_ip_address(request) or "unknown"
    failures = f"auth-failures:{address}"
    ratelimit.peek(failures, limit=ratelimit.setting("PINBOARD_API_AUTH_FAILURE_LIMIT"))
    token = request.GET.get("auth_token") or request.POST.get("auth_token")
    try:
        if token:
            return _token_user(token)
        credentials = _basic_credentials(request)
        if credentials is None:
            raise AuthFailed()
        return _password_user(request, *credentials)
    except AuthFailed:
        ratelimit.charge(failures, limit=ratelimit.setting("PINBOARD_API_AUTH_FAILURE_LIMIT"))
        raise


def _token_user(token: str):
    username, _, secret = token.strip().rpartition(":")
    if not username or not secret or "\x00" in token:
        raise AuthFailed()
    found = (
        ApiToken.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .first()
    )
    if found is None or not found.matches(secret):
        raise AuthFailed()
    return found.user


def _basic_credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    if request.META.get("HTTP_SEC_FETCH_SITE", "").lower() not in TRUSTED_FETCH_SITES:
        raise AuthFailed(code="basic authentication is refused on cross-site requests", status=403)
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise AuthFailed() from None
    username, colon, password = decoded.partition(":")
    if not colon or not username or "\x00" in decoded:
        raise AuthFailed()
    return username, password


def _password_user(request, username: str, password: str):
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answered here in the API's format; left set, AxesMiddleware would
        # replace the answer with the HTML sign-in lock-out page.
        request.axes_locked_out = False
        cool_off = get_cool_off(request)
        raise AuthFailed(
            code="too many failed sign-ins: try again later",
            status=429,
            retry_after=int(cool_off.total_seconds()) if cool_off else None,
        )
    if user is None or not isinstance(user, get_user_model()):
        raise AuthFailed()
    return user
