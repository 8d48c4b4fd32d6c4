"""Two-factor for the people who hold an organisation's keys to the house: an owner or admin
of an organisation, and a reviewer. With MFA_REQUIRED on (the default outside DEBUG) they are
sent to set up an authenticator app before any other page; signing out, the account pages and
the API (which has its own keys) stay reachable."""

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.db.models import Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Membership

# Paths a person without two-factor may still reach.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/", "/api/", "/healthz")


def needs_two_factor(user):
    """True when `user` must have two-factor: an owner or admin of an organisation, or a
    reviewer (service accounts sign in with keys, never here)."""
    if not user.is_authenticated or user.is_service_account:
        return False
    # One query: this runs on every page a signed-in person opens.
    return Membership.objects.filter(user=user).filter(
        Q(role__in=[Membership.Role.OWNER, Membership.Role.ADMIN]) | Q(is_reviewer=True)
    ).exists()


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MFA_REQUIRED and self._must_set_up(request):
            messages.warning(request, _(
                "Your role needs two-factor sign-in. Set up an authenticator app to go on."))
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _must_set_up(request):
        path = request.path_info
        if any(path.startswith(prefix) for prefix in _OPEN_PREFIXES):
            return False
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        return needs_two_factor(user) and not is_mfa_enabled(user)
