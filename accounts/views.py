"""Accounts' own web answers: an organisation's public logo."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from .logos import content_type_of
from .models import Organization

# A logo's address names its stored file (a new logo, a new address): cache it for a year.
LOGO_MAX_AGE = 365 * 24 * 3600


@require_safe
def organization_logo(request, pk, token):
    """Logos are public (they are on cards and vendor pages), unlike every other stored
    file; still never sniffed into another type, never run as a document."""
    organization = get_object_or_404(Organization.objects.only("logo"), pk=pk)
    if not organization.logo or organization.logo_token != token:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type_of(organization.logo.name))
    response["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response
