"""The settings page's API token button: a new token, the old one stops working."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from config.decorators import write_endpoint

from .tokens import reset_token


@write_endpoint
def reset_api_token(request):
    reset_token(user=request.user)
    messages.success(
        request,
        _("You have a new API token. Apps and scripts that use the old one must be given it."),
    )
    return redirect(reverse("accounts:settings") + "#api-token")
