"""A URLconf for the error-page tests: the site's URLs plus views that fail
on purpose. Used only through ``settings.ROOT_URLCONF`` in tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import include, path


def refuse(request):
    raise PermissionDenied("not yours")


def suspicious(request):
    raise SuspiciousOperation("a malformed request")


def crash(request):
    raise RuntimeError("SECRET-TRACEBACK-DETAIL")


urlpatterns = [
    path("test-errors/403/", refuse),
    path("test-errors/400/", suspicious),
    path("test-errors/500/", crash),
    path("", include("config.urls")),
]
