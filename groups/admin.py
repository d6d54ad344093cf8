from django.contrib import admin, messages
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bookmarks.admin import count_of

from . import services
from .models import Group, GroupItem, GroupItemTag, GroupNote, GroupShare, Invitation, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ("user", "role", "joined_at")
    readonly_fields = ("joined_at",)
    autocomplete_fields = ("user",)
    extra = 0


@admin.register(Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "visibility",
        "creator",
        "member_count",
        "item_count",
        "created_at",
    )
    list_filter = ("visibility",)
    search_fields = ("name", "slug")
    list_select_related = ("created_by",)
    autocomplete_fields = ("created_by",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("created_at",)
    inlines = (MembershipInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_count=count_of(Membership, "group"),
                item_count=count_of(GroupItem, "group"),
            )
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        if not change and group.created_by_id:
            # As with groups.services.create_group: a new group has an owner,
            # who can manage its members on the site.
            services.add_member(group=group, user=group.created_by, role=Membership.Role.OWNER)

    @admin.display(description=_("created by"), ordering="created_by__username")
    def creator(self, group):
        return group.created_by.name if group.created_by else ""

    @admin.display(description=_("members"), ordering="member_count")
    def member_count(self, group):
        return group.member_count

    @admin.display(description=_("items"), ordering="item_count")
    def item_count(self, group):
        return group.item_count


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "group", "role", "joined_at")
    list_filter = ("role", "group__visibility")
    search_fields = ("user__username", "user__display_name", "group__name", "group__slug")
    list_select_related = ("user", "group")
    autocomplete_fields = ("group", "user")
    readonly_fields = ("joined_at",)
    ordering = ("-id",)


class GroupShareInline(admin.TabularInline):
    model = GroupShare
    fields = ("bookmark", "shared_at")
    autocomplete_fields = ("bookmark",)
    extra = 0


class ItemTagFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The group and share time are copies of the item's (see GroupItemTag).
        form.instance.group_id = self.instance.group_id
        form.instance.shared_at = self.instance.shared_at


class GroupItemTagInline(admin.TabularInline):
    model = GroupItemTag
    formset = ItemTagFormSet
    fields = ("tag",)
    autocomplete_fields = ("tag",)
    extra = 0
    verbose_name = _("tag")
    verbose_name_plural = _("tags")


@admin.register(GroupItem)
class GroupItemAdmin(admin.ModelAdmin):
    list_display = ("page", "group", "sharer", "shared_at", "share_count", "view_count")
    list_filter = ("group__visibility",)
    search_fields = ("page__url", "page__title", "group__name", "group__slug")
    list_select_related = ("page", "group", "shared_by")
    autocomplete_fields = ("group", "page", "shared_by")
    date_hierarchy = "shared_at"
    ordering = ("-shared_at", "-id")
    inlines = (GroupShareInline, GroupItemTagInline)
    actions = ("remove_from_group",)

    def get_queryset(self, request):
        # An item's name includes its page's and group's, in autocomplete
        # results too. (The changelist skips list_select_related once a
        # queryset has select_related, hence the same list here.)
        return (
            super()
            .get_queryset(request)
            .select_related(*self.list_select_related)
            .annotate(share_count=count_of(GroupShare, "item"))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change and {"group", "shared_at"} & set(form.changed_data):
            item = form.instance
            GroupItemTag.objects.filter(item=item).update(
                group_id=item.group_id, shared_at=item.shared_at
            )

    @admin.display(description=_("shared by"), ordering="shared_by__username")
    def sharer(self, item):
        return item.shared_by.name if item.shared_by else ""

    @admin.display(description=_("shares"), ordering="share_count")
    def share_count(self, item):
        return item.share_count

    @admin.action(description=_("Remove selected items from their group"), permissions=["delete"])
    def remove_from_group(self, request, queryset):
        removed = services.remove_items(items=queryset)
        self.message_user(
            request,
            ngettext(
                "Removed %(count)d item from its group; the bookmarks stay.",
                "Removed %(count)d items from their groups; the bookmarks stay.",
                removed,
            )
            % {"count": removed},
            messages.SUCCESS,
        )


@admin.register(GroupNote)
class GroupNoteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author_name", "item", "highlight", "created_at")
    list_filter = ("item__group__visibility", ("highlight", admin.EmptyFieldListFilter))
    search_fields = (
        "text",
        "author__username",
        "author__display_name",
        "item__group__name",
        "item__page__url",
    )
    list_select_related = ("author", "item__page", "item__group", "highlight")
    autocomplete_fields = ("item", "highlight", "author")
    readonly_fields = ("updated_at",)
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")

    @admin.display(description=_("author"), ordering="author__username")
    def author_name(self, note):
        return note.author.name


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("group", "created_by", "created_at", "expires_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter), "group__visibility")
    search_fields = ("group__name", "group__slug", "created_by__username")
    list_select_related = ("group", "created_by")
    autocomplete_fields = ("group", "created_by")
    readonly_fields = ("token", "created_at")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-id")
