from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groups.models import Group

from .formats import DIIGO_CSV, SNIFF_BYTES, looks_like_csv_export, sniff_format
from .models import ImportJob
from .netscape import MAX_FILE_BYTES

MAX_UPLOAD_MB = MAX_FILE_BYTES // 2**20


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Bookmark file"))
    folders_as_tags = forms.BooleanField(
        label=_("Make folders into tags"),
        required=False,
        initial=True,
        help_text=_("A bookmark in Recipes › Soups gets the tags “Recipes” and “Soups”."),
    )
    tag_separator = forms.ChoiceField(
        label=_("The tags in the file are separated by"),
        choices=ImportJob.Separator.choices,
        initial=ImportJob.Separator.AUTO,
        help_text=_("Browsers, Pinboard and linkding use commas, Diigo spaces."),
    )
    group = forms.ModelChoiceField(
        label=_("Also share them into"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("no group"),
    )
    public = forms.BooleanField(
        label=_("Make them public"),
        required=False,
        help_text=_(
            "Applies to bookmarks the file does not mark private or public; the others "
            "keep what the file says. Otherwise they are private."
        ),
    )

    def __init__(self, *args, user, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "A bookmark file (HTML) exported by Firefox, Chrome, Edge, Safari, Pinboard, "
            "linkding or Diigo, or a Diigo CSV export; at most %(size)d MB."
        ) % {"size": MAX_UPLOAD_MB}
        self.fields["group"].queryset = Group.objects.filter(memberships__user=user).order_by(
            "name"
        )
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(self._too_large_message())
        head = upload.read(SNIFF_BYTES)
        upload.seek(0)
        if sniff_format(head) == DIIGO_CSV and not looks_like_csv_export(head):
            raise forms.ValidationError(
                _(
                    "This is neither a bookmark file (HTML) nor a Diigo CSV export. "
                    "Export your bookmarks again and choose HTML."
                )
            )
        return upload

    def clean(self):
        if self.too_large:
            self.add_error("file", self._too_large_message())
        return super().clean()

    @staticmethod
    def _too_large_message() -> str:
        return gettext("The file is larger than %(size)d MB.") % {"size": MAX_UPLOAD_MB}
