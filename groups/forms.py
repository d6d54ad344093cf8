"""Forms for managing groups and discussing their items. They validate at the
edge; the views hand the cleaned values to the services."""

import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_unicode_slug
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookmarks.tagnames import InvalidTagName, split_tags

from .invitations import DEFAULT_LIFETIME, LIFETIMES
from .models import Group, Membership

#: Slugs that would collide with a page under /groups/ (groups/urls.py).
RESERVED_SLUGS = frozenset({"new", "invite"})
SLUG_MAX_LENGTH = Group._meta.get_field("slug").max_length
NAME_MAX_LENGTH = Group._meta.get_field("name").max_length
TEXT_MAX_LENGTH = 10_000


class GroupForm(forms.Form):
    """A group's name, address, description and visibility. The address is
    suggested from the name when left empty."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    slug = forms.CharField(
        label=_("Address"),
        required=False,
        max_length=SLUG_MAX_LENGTH,
        help_text=_(
            "The group’s part of its web address: letters, digits, hyphens and "
            "underscores, in any script. Leave empty to make one from the name."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    visibility = forms.ChoiceField(
        label=_("Who can read it"),
        choices=[
            (Group.Visibility.PUBLIC, _("Public: anyone can read it, and anyone can join.")),
            (
                Group.Visibility.PRIVATE,
                _("Private: members only; people join when invited or added."),
            ),
        ],
        initial=Group.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, group: Group | None = None, **kwargs):
        self.group = group
        if group is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": group.name,
                    "slug": group.slug,
                    "description": group.description,
                    "visibility": group.visibility,
                },
            )
        super().__init__(*args, **kwargs)

    def clean_slug(self):
        slug = unicodedata.normalize("NFKC", self.cleaned_data["slug"]).strip()
        if not slug:
            # Suggested from the name in clean(), once the name is known good.
            return ""
        validate_unicode_slug(slug)
        return self._check_free(slug)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and "slug" not in self.errors and cleaned.get("name"):
            suggested = slugify(cleaned["name"], allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-_")
            if not suggested:
                self.add_error("slug", _("Choose an address: the name gives none."))
            else:
                try:
                    cleaned["slug"] = self._check_free(suggested)
                except forms.ValidationError as error:
                    self.add_error("slug", error)
        return cleaned

    def _check_free(self, slug: str) -> str:
        if slug.casefold() in RESERVED_SLUGS:
            raise forms.ValidationError(
                _("“%(slug)s” is reserved: choose another address."),
                code="reserved",
                params={"slug": slug},
            )
        taken = Group.objects.filter(slug=slug)
        if self.group is not None:
            taken = taken.exclude(pk=self.group.pk)
        if taken.exists():
            raise forms.ValidationError(
                _("The address “%(slug)s” is taken: choose another."),
                code="taken",
                params={"slug": slug},
            )
        return slug

    def taken(self) -> None:
        """Another group took the address between validation and saving."""
        self.add_error(
            "slug",
            forms.ValidationError(
                _("The address “%(slug)s” is taken: choose another."),
                params={"slug": self.cleaned_data["slug"]},
            ),
        )


class AddMemberForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        self.person = get_user_model().objects.filter(username=username).first()
        if self.person is None:
            raise forms.ValidationError(
                _("No one has the username “%(username)s”."), params={"username": username}
            )
        return username


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class InvitationForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("The link works for"),
        choices=lambda: [
            (days, ngettext("%(days)d day", "%(days)d days", days) % {"days": days})
            for days in LIFETIMES
        ],
        coerce=int,
        initial=DEFAULT_LIFETIME,
    )


class NoteForm(forms.Form):
    """A discussion note, on the item or on one of its highlights."""

    text = forms.CharField(
        label=_("Your note"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    highlight = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class ItemTagsForm(forms.Form):
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        help_text=_("Separated by commas. A tag cannot contain “/”."),
    )

    def clean_tags(self) -> list[str]:
        try:
            return split_tags(self.cleaned_data["tags"])
        except InvalidTagName as error:
            raise forms.ValidationError(
                _("These tags cannot be saved: %(reason)s"), params={"reason": error}
            ) from error
