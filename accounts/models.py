import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    #: Shown wherever a person is named; unicode, spaces allowed.
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    #: Secret for reading private feeds; separate from any API token.
    feed_token = models.CharField(
        _("feed token"), max_length=64, unique=True, default=new_feed_token, editable=False
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        """The name people see: the display name, else the username."""
        return self.display_name.strip() or self.username
