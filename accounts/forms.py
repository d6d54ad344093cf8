"""Forms for signing up, one's settings and leaving. Signing in, changing and
resetting a password use Django's own forms, which already carry the right
autocomplete hints."""

import unicodedata

from django import forms
from django.conf import settings
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import User, is_time_zone, time_zone_names

DISPLAY_NAME_HELP = _(
    "The name people see beside what you share. Any script, spaces allowed. "
    "Leave it empty to be shown by your username."
)
EMAIL_HELP = _("Optional. Used only to send you a link when you forget your password.")
LANGUAGE_HELP = _("The language of every page. The switch at the foot of each page changes it too.")
TIME_ZONE_HELP = _(
    "Dates and times are shown in this zone; without one, in your browser’s, else in UTC. "
    "Feeds stay in UTC."
)


def validate_no_control_characters(value: str) -> None:
    """Control characters cannot be written to a feed's XML (the feed writer
    raises), and nobody types them on purpose."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError(
            _("Remove the invisible control characters from this name."), code="control"
        )


def validate_not_dots(value: str) -> None:
    """A username of dots would be a path step in /u/<username>/."""
    if value and not value.strip("."):
        raise ValidationError(_("A username needs more than dots."), code="dots")


class DisplayNameMixin:
    """The display name field as both forms show it."""

    def tune_display_name(self) -> None:
        field = self.fields["display_name"]
        field.help_text = DISPLAY_NAME_HELP
        field.validators.append(validate_no_control_characters)
        field.widget.attrs.update({"autocomplete": "nickname", "maxlength": 150})


class SignupForm(DisplayNameMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "email", "time_zone")
        labels = {"display_name": _("Display name"), "email": _("Email address")}
        #: Filled in by static/js/timezone.js with the browser's zone.
        widgets = {"time_zone": forms.HiddenInput(attrs={"data-browser-time-zone": ""})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].validators.append(validate_not_dots)
        self.fields["username"].widget.attrs.setdefault("autofocus", True)
        self.tune_display_name()
        self.fields["email"].help_text = EMAIL_HELP
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean_time_zone(self) -> str:
        # A hidden field nobody can correct: a zone we do not know is no zone.
        zone = self.cleaned_data["time_zone"]
        return zone if is_time_zone(zone) else ""


def language_choices() -> list[tuple[str, str]]:
    """Each language named in itself, after the browser's own choice."""
    return [("", _("This browser’s language")), *settings.LANGUAGES]


def time_zone_choices() -> list[tuple[str, str]]:
    return [("", _("This browser’s time zone"))] + [
        (name, name) for name in sorted(time_zone_names())
    ]


class SettingsForm(DisplayNameMixin, forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=language_choices, help_text=LANGUAGE_HELP
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"), required=False, choices=time_zone_choices, help_text=TIME_ZONE_HELP
    )

    class Meta:
        model = User
        fields = ("display_name", "email", "language", "time_zone")
        labels = {"display_name": _("Display name"), "email": _("Email address")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tune_display_name()
        self.fields["email"].help_text = EMAIL_HELP
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        # static/js/timezone.js names the browser's zone in the empty choice.
        self.fields["time_zone"].widget.attrs["data-browser-time-zone"] = ""


class DeleteAccountForm(forms.Form):
    """Asks for the password, so an unattended signed-in browser cannot be
    used to wipe someone's account."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Type your password to confirm."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(
                _("That is not your password; nothing was deleted."), code="wrong_password"
            )
        return password
