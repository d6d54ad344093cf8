"""Decorators for every view that changes something.

Both mark the view, so the tests find every write endpoint through the URL
resolver and try it as a stranger the day it is added."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_http_methods, require_POST


def write_endpoint(view):
    """POST only (CSRF is checked by the middleware), signed-in people only."""
    wrapped = login_required(require_POST(view))
    wrapped.is_write_endpoint = True
    return wrapped


def form_endpoint(view):
    """A form page: GET shows it, POST (CSRF-checked) changes something;
    signed-in people only."""
    wrapped = login_required(require_http_methods(["GET", "HEAD", "POST"])(view))
    wrapped.is_write_endpoint = True
    wrapped.shows_form = True
    return wrapped
