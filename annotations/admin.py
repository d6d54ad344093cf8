from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from .models import Highlight, Note


class HighlightInline(admin.TabularInline):
    """A bookmark's highlights, shown on the bookmark's page."""

    model = Highlight
    fields = ("quote", "colour", "ordinal", "anchor_state", "snapshot", "created_at")
    #: Set by the anchoring code, not by hand.
    readonly_fields = ("anchor_state",)
    autocomplete_fields = ("snapshot",)
    extra = 0
    show_change_link = True


class NotesOfHighlightFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A sticky note on a highlight belongs to that highlight's bookmark;
        # set it before validation so Note.clean() sees the pair.
        form.instance.bookmark_id = self.instance.bookmark_id


class NoteInline(admin.TabularInline):
    model = Note
    formset = NotesOfHighlightFormSet
    fields = ("text", "created_at")
    extra = 0


@admin.register(Highlight)
class HighlightAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "owner",
        "bookmark_title",
        "colour",
        "anchor_state",
        "ordinal",
        "created_at",
    )
    list_filter = ("anchor_state", "colour")
    search_fields = (
        "quote",
        "bookmark__title",
        "bookmark__user__username",
        "bookmark__user__display_name",
    )
    list_select_related = ("bookmark__user", "bookmark__page")
    autocomplete_fields = ("bookmark", "snapshot")
    ordering = ("-id",)
    inlines = (NoteInline,)

    def get_readonly_fields(self, request, obj=None):
        # Moving a highlight to another bookmark would strand its sticky notes.
        return ("bookmark", "updated_at") if obj else ("updated_at",)

    @admin.display(description=_("owner"), ordering="bookmark__user__username")
    def owner(self, highlight):
        return highlight.bookmark.user.name

    @admin.display(description=_("bookmark"))
    def bookmark_title(self, highlight):
        return highlight.bookmark.display_title


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "owner", "bookmark", "highlight", "created_at")
    list_filter = (("highlight", admin.EmptyFieldListFilter),)
    search_fields = (
        "text",
        "bookmark__title",
        "bookmark__user__username",
        "bookmark__user__display_name",
    )
    list_select_related = ("bookmark__user", "highlight")
    autocomplete_fields = ("bookmark", "highlight")
    readonly_fields = ("updated_at",)
    ordering = ("-id",)

    @admin.display(description=_("owner"), ordering="bookmark__user__username")
    def owner(self, note):
        return note.bookmark.user.name
