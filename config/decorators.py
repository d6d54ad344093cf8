"""One decorator for every view that changes something."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_POST


def write_endpoint(view):
    """POST only (CSRF is checked by the middleware), signed-in readers only.

    The mark lets the tests find every write endpoint through the URL
    resolver, so a new one is tried as a stranger the day it is added."""
    wrapped = login_required(require_POST(view))
    wrapped.is_write_endpoint = True
    return wrapped
