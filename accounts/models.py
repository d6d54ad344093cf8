import secrets
from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Links in the zone database that name no place: "localtime" is whatever
#: the server's own zone is.
NOT_PLACES = frozenset({"localtime", "Factory"})


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zones this machine knows (read once: listing them walks
    the zone database's files)."""
    return frozenset(available_timezones() - NOT_PLACES)


def is_time_zone(name: str) -> bool:
    return name in time_zone_names()


def validate_time_zone(value: str) -> None:
    if value and not is_time_zone(value):
        raise ValidationError(
            _("“%(zone)s” is not a time zone we know."), code="time_zone", params={"zone": value}
        )


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class User(AbstractUser):
    #: Shown wherever a person is named; unicode, spaces allowed.
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    #: Secret for reading private feeds; separate from any API token.
    feed_token = models.CharField(
        _("feed token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )
    #: The interface language this person chose (a code of settings.LANGUAGES);
    #: empty follows the browser.
    language = models.CharField(
        _("language"), max_length=16, blank=True, choices=settings.LANGUAGES
    )
    #: IANA name of the zone dates are shown in; empty follows the browser
    #: (the cookie static/js/timezone.js sets), else UTC.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=["", *language_codes()]), name="user_language_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name people see: the display name, else the username."""
        return self.display_name.strip() or self.username
