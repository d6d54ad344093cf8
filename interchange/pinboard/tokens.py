"""Personal API tokens for the Pinboard-compatible API.

A token reads ``username:SECRET``, as Pinboard's do. The secret is not stored:
it is an HMAC of the user's id and a random nonce under the site's
``SECRET_KEY``, and only the nonce is in the database. So the settings page
can show the token at any time (as Pinboard's does), while a copy of the
database alone gives nobody a working token. Making a new token draws a new
nonce; the old token stops working at once.

Changing ``SECRET_KEY`` changes every token, as it ends every session; keep
the old key in ``SECRET_KEY_FALLBACKS`` and old tokens keep working.

The API token is separate from the feed token (``accounts.User.feed_token``):
one reads private feeds, the other changes a library."""

import hmac
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

#: Length of the secret part: 32 hex digits, 128 bits.
SECRET_LENGTH = 32
KEY_SALT = "commonplace.interchange.pinboard.api-token"


def new_nonce() -> str:
    return secrets.token_hex(16)


class ApiToken(models.Model):
    """A user's Pinboard API token, at most one per user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_token"
    )
    #: Random; the secret is derived from it and SECRET_KEY, never stored.
    nonce = models.CharField(max_length=64, unique=True, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("made"), default=timezone.now)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return str(self.user)

    def secret(self, key: str | None = None) -> str:
        """The secret part, under ``key`` (the current SECRET_KEY by default)."""
        digest = salted_hmac(
            KEY_SALT, f"{self.user_id}:{self.nonce}", secret=key, algorithm="sha256"
        ).hexdigest()
        return digest[:SECRET_LENGTH].upper()

    @property
    def full_token(self) -> str:
        """What clients send as ``auth_token``."""
        return f"{self.user.username}:{self.secret()}"

    def matches(self, secret: str) -> bool:
        """Whether ``secret`` is this token's, under the current or a fallback key."""
        given = secret.strip().upper().encode()
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        # Every key is tried, so the time taken does not tell which one matched.
        found = False
        for key in keys:
            found |= hmac.compare_digest(given, self.secret(key).encode())
        return found


def get_or_issue_token(*, user) -> ApiToken:
    """The user's token, made on first use."""
    token, _created = ApiToken.objects.get_or_create(user=user)
    return token


def reset_token(*, user) -> ApiToken:
    """Give the user a new token; the old one stops working."""
    token, created = ApiToken.objects.get_or_create(user=user)
    if not created:
        token.nonce = new_nonce()
        token.created_at = timezone.now()
        token.save(update_fields=["nonce", "created_at"])
    return token
