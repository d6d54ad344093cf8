"""Forms for saving, editing and bulk-changing one's own bookmarks.

Each field is checked by the same code the services use (``canonical_url``,
``clean_tag_name``), so a form error and a service error never disagree."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from annotations.forms import MAX_QUOTE_LENGTH
from groups.models import Group

from .canonical import MAX_URL_LENGTH, InvalidURL, canonical_url
from .models import Bookmark
from .snapshot.text import collapse
from .tagnames import InvalidTagName, clean_tag_name, fold

MAX_TITLE_LENGTH = 2000
MAX_DESCRIPTION_LENGTH = 20000
#: A bulk action names at most this many bookmarks (a page shows at most 100).
MAX_BULK_SELECTION = 500
#: C0 controls but tab and line breaks, DEL, C1 controls and the two
#: non-characters: invisible, never typed on purpose, and not allowed in XML
#: (feeds, exports). A query string from the bookmarklet may carry anything.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def validate_no_control_characters(value: str) -> None:
    if _CONTROL.search(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control"
        )


def member_groups(user) -> QuerySet[Group]:
    """The groups one may share into: those one is a member of."""
    return Group.objects.filter(memberships__user=user).order_by("name", "pk")


class TagsField(forms.CharField):
    """Comma-separated tag names; cleans to a list of names, one per tag.

    Blank pieces (``a, , b`` or a trailing comma) are skipped; every other
    piece must be a valid tag, and each bad one is named in the error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 5000)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value) -> list[str]:
        text = super().clean(value)
        names, keys, errors = [], set(), []
        for raw in text.split(","):
            if not raw.strip():
                continue
            try:
                name = clean_tag_name(raw)
            except InvalidTagName as exc:
                errors.append(
                    ValidationError(
                        _("The tag “%(tag)s” is not allowed. %(reason)s"),
                        code="invalid_tag",
                        params={"tag": raw.strip(), "reason": str(exc)},
                    )
                )
                continue
            if fold(name) not in keys:
                keys.add(fold(name))
                names.append(name)
        if errors:
            raise ValidationError(errors)
        return names


class BookmarkForm(forms.Form):
    error_css_class = "field--error"

    url = forms.CharField(
        label=_("URL"),
        max_length=MAX_URL_LENGTH,
        widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=MAX_TITLE_LENGTH,
        required=False,
        validators=[validate_no_control_characters],
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=MAX_DESCRIPTION_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_control_characters],
    )
    tags = TagsField(
        label=_("Tags"),
        help_text=_("Separate tags with commas, for example: architecture, 設計, web design."),
    )
    is_private = forms.BooleanField(
        label=_("Private (only you, and the groups you share it into, can see it)"),
        label_suffix="",
        required=False,
    )
    to_read = forms.BooleanField(label=_("To read"), label_suffix="", required=False)
    groups = forms.ModelMultipleChoiceField(
        label=_("Share into groups"),
        queryset=Group.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("You can share only into groups you are a member of."),
            "invalid_pk_value": _("You can share only into groups you are a member of."),
        },
    )

    def __init__(self, *args, user, bookmark: Bookmark | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = member_groups(user)
        if not self.fields["groups"].queryset.exists():
            self.fields["groups"].help_text = _("Join a group to share your bookmarks into it.")
        if bookmark is not None:
            # A bookmark keeps its page: another address is another bookmark.
            url = self.fields["url"]
            url.disabled = True
            url.help_text = _("To keep another address, save it as a new bookmark.")
            self.fields["groups"].help_text = _(
                "Unticking a group takes your share out of it, with your highlights and notes."
            )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            self.canonical = canonical_url(url)
        except InvalidURL as exc:
            raise ValidationError(str(exc), code="invalid_url") from exc
        return url


class NewBookmarkForm(BookmarkForm):
    """The save form, with the passage selected on the page (the bookmarklet
    sends it) to become the bookmark's first highlight."""

    field_order = ["url", "title", "description", "quote"]

    quote = forms.CharField(
        label=_("First highlight"),
        help_text=_(
            "A passage of the page to highlight; the bookmarklet brings the text you "
            "selected. It is highlighted once the page is cached. Change it or clear it "
            "as you like."
        ),
        max_length=MAX_QUOTE_LENGTH,
        required=False,
        validators=[validate_no_control_characters],
        widget=forms.Textarea(attrs={"rows": 3, "class": "edit-form__quote"}),
    )

    def __init__(self, *args, saved: Bookmark | None = None, **kwargs):
        """``saved``: the user's bookmark of this page, when they have one
        already: the passage is then added to it as a new highlight."""
        super().__init__(*args, **kwargs)
        if saved is not None:
            self.fields["quote"].label = _("New highlight")
            self.fields["quote"].help_text = _(
                "A passage of the page, added to your bookmark of it unless it is "
                "highlighted already."
            )

    def clean_quote(self) -> str:
        # Written as the snapshot's text has it (runs of whitespace as one
        # space), so the quote is found there word for word.
        return collapse(self.cleaned_data["quote"])


class BulkAction(models.TextChoices):
    ADD_TAGS = "add_tags", _("Add tags")
    REMOVE_TAGS = "remove_tags", _("Remove tags")
    SHARE = "share", _("Share into a group")
    MAKE_PRIVATE = "make_private", _("Make private")
    MAKE_PUBLIC = "make_public", _("Make public")
    DELETE = "delete", _("Delete")


class BookmarkIdsField(forms.Field):
    """Posted bookmark ids; anything that is not an id is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [int(v) for v in values if isinstance(v, str) and v.isascii() and v.isdigit()]


class BulkForm(forms.Form):
    """One action on the selected bookmarks. Ids of bookmarks that are not
    the user's own are ignored: ``selected`` holds only the user's."""

    error_css_class = "field--error"

    ids = BookmarkIdsField(required=False)
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    tags = TagsField(label=_("Tags"), help_text=_("For adding or removing: separated by commas."))
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("Choose a group"),
        error_messages={"invalid_choice": _("You can share only into groups you are a member of.")},
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["group"].queryset = member_groups(user)
        self.selected = Bookmark.objects.none()

    def clean_ids(self) -> QuerySet[Bookmark]:
        ids = self.cleaned_data["ids"]
        if len(ids) > MAX_BULK_SELECTION:
            raise ValidationError(
                _("Select at most %(limit)d bookmarks at a time."),
                params={"limit": MAX_BULK_SELECTION},
            )
        self.selected = Bookmark.objects.filter(user=self.user, pk__in=ids)
        if not ids or not self.selected.exists():
            raise ValidationError(_("Select at least one of your bookmarks."))
        return self.selected

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        wants_tags = action in (BulkAction.ADD_TAGS, BulkAction.REMOVE_TAGS)
        if wants_tags and not cleaned.get("tags") and "tags" not in self.errors:
            self.add_error("tags", _("Write the tags to add or remove."))
        wants_group = action == BulkAction.SHARE
        if wants_group and not cleaned.get("group") and "group" not in self.errors:
            self.add_error("group", _("Choose the group to share into."))
        return cleaned
