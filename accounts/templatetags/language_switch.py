"""The address the language switch comes back to."""

from urllib.parse import urlencode

from django import template

register = template.Library()


@register.simple_tag
def return_path(request) -> str:
    """This page's path and query, less any ``next``: a page that was handed
    an unsafe ``next`` ignores it, and the switch must not carry it either."""
    query = [
        (key, value) for key, values in request.GET.lists() if key != "next" for value in values
    ]
    return f"{request.path}?{urlencode(query)}" if query else request.path
