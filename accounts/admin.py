from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from groups.departures import delete_account

from .models import User
from .services import reset_feed_token


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (_("Private feeds"), {"fields": ("feed_token",)}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "email",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    #: A secret: shown so staff can help someone, changed only by the action.
    readonly_fields = ("feed_token",)
    list_display = ("username", "display_name", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    actions = ("reset_feed_tokens",)

    @admin.action(description=_("Reset feed token"), permissions=["change"])
    def reset_feed_tokens(self, request, queryset):
        users = list(queryset)
        for user in users:
            reset_feed_token(user=user)
        self.message_user(
            request,
            ngettext(
                "Reset the feed token of %(count)d user; their old feed links stop working.",
                "Reset the feed tokens of %(count)d users; their old feed links stop working.",
                len(users),
            )
            % {"count": len(users)},
            messages.SUCCESS,
        )

    # Deleting a person goes through the same service as deleting one's own
    # account: items pass on, groups keep an owner.
    def delete_model(self, request, obj):
        delete_account(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            delete_account(user=user)
