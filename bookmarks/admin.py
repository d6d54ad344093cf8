from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from annotations.admin import HighlightInline
from annotations.models import Highlight
from groups.departures import delete_bookmarks

from . import services
from .canonical import InvalidURL, canonical_url, url_hash
from .models import Bookmark, BookmarkTag, Page, Snapshot, Tag
from .snapshotting import request_snapshots
from .tagnames import InvalidTagName, clean_tag_name, fold


def count_of(model, field: str) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field``.

    A correlated subquery, so a changelist counts only the rows on its page,
    and two counts on one row never multiply each other as two joins would."""
    rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(rows.annotate(n=Count("*")).values("n")), 0)


class PageForm(forms.ModelForm):
    def clean_url(self):
        try:
            url = canonical_url(self.cleaned_data["url"])
        except InvalidURL as exc:
            raise forms.ValidationError(str(exc)) from exc
        if Page.objects.filter(url_hash=url_hash(url)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A page with this URL already exists."))
        return url


class SnapshotInline(admin.TabularInline):
    """What was fetched from a page: written by the workers, read here."""

    model = Snapshot
    fields = ("status", "fetched_at", "http_status", "final_url", "content_type", "size", "error")
    readonly_fields = fields
    ordering = ("-created_at",)
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    form = PageForm
    list_display = ("__str__", "url", "bookmark_count", "created_at")
    search_fields = ("url", "title")
    fields = ("url", "title", "description", "url_hash", "created_at")
    readonly_fields = ("url_hash", "created_at")
    ordering = ("-id",)
    inlines = (SnapshotInline,)
    actions = ("take_new_snapshots",)

    @admin.action(description=_("Take a new snapshot of the selected pages"))
    def take_new_snapshots(self, request, queryset):
        ids = request_snapshots(page_ids=queryset.values_list("pk", flat=True), again=True)
        self.message_user(
            request,
            ngettext(
                "Asked for %(count)d new snapshot.",
                "Asked for %(count)d new snapshots.",
                len(ids),
            )
            % {"count": len(ids)},
            messages.SUCCESS,
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(bookmark_count=count_of(Bookmark, "page"))

    @admin.display(description=_("bookmarks"), ordering="bookmark_count")
    def bookmark_count(self, page):
        return page.bookmark_count


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = (
        "page",
        "status",
        "http_status",
        "content_type",
        "size",
        "fetched_at",
        "created_at",
    )
    list_filter = ("status", "fetched_at")
    search_fields = ("page__url", "page__title", "final_url")
    list_select_related = ("page",)
    autocomplete_fields = ("page",)
    #: A worker's record of a fetch. Status stays editable: setting it back
    #: to pending asks the periodic job to fetch the page again.
    readonly_fields = (
        "fetched_at",
        "http_status",
        "final_url",
        "content_type",
        "charset",
        "size",
        "sha256",
        "html",
        "text",
        "error",
        "created_at",
    )
    ordering = ("-id",)

    def get_queryset(self, request):
        # Its name includes the page's, in autocomplete results too. (The
        # changelist skips list_select_related once a queryset has one.)
        return super().get_queryset(request).select_related(*self.list_select_related)


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name",)

    def clean_name(self):
        try:
            name = clean_tag_name(self.cleaned_data["name"])
        except InvalidTagName as exc:
            raise forms.ValidationError(str(exc)) from exc
        if Tag.objects.filter(key=fold(name)).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Another tag is already written this way; merge the two instead.")
            )
        return name


class MergeTagsForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Tag.objects.none(), label=_("Tag to keep"))

    def __init__(self, *args, tags, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = tags


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    form = TagForm
    list_display = ("name", "key", "bookmark_count", "item_count")
    search_fields = ("name", "key")
    readonly_fields = ("key",)
    actions = ("merge_tags",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                bookmark_count=count_of(BookmarkTag, "tag"),
                item_count=count_of(Tag.group_items.through, "tag"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Also match the folded key, so "ＫＵＢＥ" or "ÉCOLE" find their tag on
        # every database (SQLite only folds ASCII case).
        folded = fold(search_term.strip())
        if folded:
            found |= queryset.filter(key__contains=folded)
        return found, may_have_duplicates

    @admin.display(description=_("bookmarks"), ordering="bookmark_count")
    def bookmark_count(self, tag):
        return tag.bookmark_count

    @admin.display(description=_("group items"), ordering="item_count")
    def item_count(self, tag):
        return tag.item_count

    @admin.action(description=_("Merge selected tags into one"), permissions=["delete"])
    def merge_tags(self, request, queryset):
        """Ask which tag to keep (the most used is proposed), then merge."""
        tags = list(
            queryset.annotate(uses=F("bookmark_count") + F("item_count")).order_by("-uses", "pk")
        )
        if len(tags) < 2:
            self.message_user(request, _("Select at least two tags to merge."), messages.WARNING)
            return None
        form = MergeTagsForm(request.POST if "post" in request.POST else None, tags=queryset)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            removed = services.merge_tags(keep=keep, merged=tags)
            self.message_user(
                request,
                ngettext(
                    "Merged %(count)d tag into “%(keep)s”.",
                    "Merged %(count)d tags into “%(keep)s”.",
                    removed,
                )
                % {"count": removed, "keep": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Merge tags"),
            "opts": self.model._meta,
            "tags": tags,
            "form": form,
            "proposed": tags[0],
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/bookmarks/tag/merge_tags.html", context)


class BookmarkTagInline(admin.TabularInline):
    model = BookmarkTag
    autocomplete_fields = ("tag",)
    extra = 0
    verbose_name = _("tag")
    verbose_name_plural = _("tags")


@admin.register(Bookmark)
class BookmarkAdmin(admin.ModelAdmin):
    list_display = (
        "display_title",
        "owner",
        "page_url",
        "is_private",
        "to_read",
        "highlight_count",
        "created_at",
    )
    list_filter = ("is_private", "to_read")
    search_fields = ("title", "url", "user__username", "user__display_name")
    list_select_related = ("user", "page")
    autocomplete_fields = ("user", "page")
    readonly_fields = ("updated_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
    inlines = (BookmarkTagInline, HighlightInline)

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(highlight_count=count_of(Highlight, "bookmark"))
        )

    @admin.display(description=_("title"), ordering="title")
    def display_title(self, bookmark):
        return bookmark.display_title

    @admin.display(description=_("owner"), ordering="user__username")
    def owner(self, bookmark):
        return bookmark.user.name

    @admin.display(description=_("page URL"), ordering="page__url")
    def page_url(self, bookmark):
        return bookmark.page.url

    @admin.display(description=_("highlights"), ordering="highlight_count")
    def highlight_count(self, bookmark):
        return bookmark.highlight_count

    # Admin is a top-floor view like any other: deleting goes through the
    # service that hands a group item on to its next sharer.
    def delete_model(self, request, obj):
        delete_bookmarks(bookmarks=[obj])

    def delete_queryset(self, request, queryset):
        delete_bookmarks(bookmarks=queryset)
