"""The site's URLs plus views that fail, for the error page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler404, handler500, urlpatterns  # noqa: F401 - the handlers


def boom(request):
    raise RuntimeError("secret detail of the failure")


def suspicious(request):
    raise SuspiciousOperation("hostile input")


def forbidden(request):
    raise PermissionDenied


def api_boom(request):
    raise RuntimeError("secret detail of the failure")


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/suspicious/", suspicious),
    path("test-errors/forbidden/", forbidden),
    path("api/v1/test-errors/boom/", api_boom),
    *urlpatterns,
]
