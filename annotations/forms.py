"""Forms for one's own highlights and sticky notes. Text is kept as plain
text (templates escape it); empty or whitespace-only text is refused."""

from django import forms
from django.utils.translation import gettext_lazy as _

from bookmarks.models import Bookmark

from .models import Highlight

MAX_QUOTE_LENGTH = 20000
MAX_NOTE_LENGTH = 20000


def colour_field(*, required: bool = True) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Colour"),
        choices=Highlight.Colour.choices,
        initial=Highlight.Colour.YELLOW,
        required=required,
    )


class HighlightForm(forms.Form):
    error_css_class = "field--error"

    quote = forms.CharField(
        label=_("Passage"),
        help_text=_("Paste the passage from the page, exactly as it reads."),
        max_length=MAX_QUOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Paste the passage to highlight.")},
    )
    #: Yellow when not given.
    colour = colour_field(required=False)

    def clean_colour(self) -> str:
        return self.cleaned_data["colour"] or Highlight.Colour.YELLOW


class ColourForm(forms.Form):
    error_css_class = "field--error"

    colour = colour_field()


class NoteForm(forms.Form):
    """A sticky note on the bookmark, or on one of its highlights."""

    error_css_class = "field--error"

    text = forms.CharField(
        label=_("Sticky note"),
        max_length=MAX_NOTE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note first.")},
    )
    highlight = forms.ModelChoiceField(
        queryset=Highlight.objects.none(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That highlight is not on this bookmark.")},
    )

    def __init__(self, *args, bookmark: Bookmark | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if bookmark is None:  # editing: the note stays where it is
            del self.fields["highlight"]
        else:
            self.fields["highlight"].queryset = bookmark.highlights.all()
