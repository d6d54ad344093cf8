"""Admin for API tokens: who has one and since when. The secret is never
shown here; the action gives people new tokens (their old ones stop working)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .tokens import ApiToken, reset_token


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__display_name")
    date_hierarchy = "created_at"
    fields = ("user", "created_at")
    autocomplete_fields = ("user",)
    actions = ("reset_tokens",)

    def get_readonly_fields(self, request, obj=None):
        # A token belongs to one person for good; a new one is the action's job.
        return ("created_at",) if obj is None else ("user", "created_at")

    @admin.action(description=_("Give new tokens (the old ones stop working)"))
    def reset_tokens(self, request, queryset):
        users = [token.user for token in queryset.select_related("user")]
        for user in users:
            reset_token(user=user)
        self.message_user(
            request,
            ngettext("%(count)d token replaced.", "%(count)d tokens replaced.", len(users))
            % {"count": len(users)},
            messages.SUCCESS,
        )
