"""The reader's language and time zone, for every request.

Language: Django's LocaleMiddleware has already chosen one from the cookie
the language switch sets, else from Accept-Language. A signed-in person's
saved language wins over both, so it follows them to a new browser, and
using the switch while signed in saves the new choice.

Time zone: the person's own, else the one their browser reported in a
cookie (static/js/timezone.js), else UTC. Templates show every aware
datetime in the active zone; feeds write theirs with an explicit offset
(UTC, as the database returns them).
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from .models import User, is_time_zone, language_codes

#: Written by static/js/timezone.js: the browser's IANA zone name.
TIME_ZONE_COOKIE = "time_zone"
UTC = "UTC"


def reader_time_zone(request: HttpRequest) -> str:
    """The IANA name of the zone this request's dates are shown in."""
    user = request.user
    if user.is_authenticated and user.time_zone:
        return user.time_zone
    return browser_time_zone(request) or UTC


def browser_time_zone(request: HttpRequest) -> str:
    """The zone the browser reported, if it is one we know; else ''."""
    name = request.COOKIES.get(TIME_ZONE_COOKIE, "")
    return name if is_time_zone(name) else ""


def browser_language(request: HttpRequest) -> str:
    """The language the switch stored in this browser, if we offer it; else ''."""
    code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return code if code in language_codes() else ""


def remember_language(response: HttpResponse, code: str) -> None:
    """Set (or, for '', clear) the cookie LocaleMiddleware reads, as Django's
    set_language view does."""
    if not code:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After LocaleMiddleware and AuthenticationMiddleware: a signed-in
    person's saved language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        # request.user again: the view may have signed someone in or out.
        user = request.user
        if user.is_authenticated:
            self.keep_in_step(request, response, user)
        return response

    @staticmethod
    def keep_in_step(request: HttpRequest, response: HttpResponse, user: User) -> None:
        """A language cookie set by this response is the switch (Django's
        set_language): save it. Otherwise give this browser the saved
        language, so it stays after signing out."""
        morsel = response.cookies.get(settings.LANGUAGE_COOKIE_NAME)
        if morsel is not None:
            chosen = morsel.value
            if chosen in language_codes() and chosen != user.language:
                user.language = chosen
                user.save(update_fields=["language"])
        elif user.language and browser_language(request) != user.language:
            remember_language(response, user.language)


class TimeZoneMiddleware:
    """Activates the reader's time zone for the whole request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        timezone.activate(ZoneInfo(reader_time_zone(request)))
        try:
            return self.get_response(request)
        finally:
            # The thread serves other people next.
            timezone.deactivate()
