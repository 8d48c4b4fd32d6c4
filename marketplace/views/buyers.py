"""The way in for visitors who want to buy: a short stop before signing in or up, and the
page that tells a signed-in person without an organisation to register one."""

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.shortcuts import redirect, render, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts import selectors as people
from accounts.models import Organization

from .. import selectors
from ..selectors.buyers import NO_ORGANIZATION


def safe_next(request, default="dashboard"):
    """The `next` of the request when it stays on this site, else the default page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _wanted(target):
    """What the visitor set out to do: the name of the page `target` leads to."""
    try:
        return resolve(urlsplit(target).path).url_name
    except Resolver404:
        return None


def with_next(url, target):
    return f"{url}?{urlencode({'next': target})}"


def buyer_start(request):
    """Before a quote request or a need: sign in, or create an account, and come back to
    the form (`next`). Someone signed in goes on at once."""
    target = safe_next(request)
    if request.user.is_authenticated:
        return redirect(target)
    return render(request, "marketplace/buyer_start.html", {
        "next": target,
        "wanted": _wanted(target),
        "login_url": with_next(resolve_url(settings.LOGIN_URL), target),
    })


def enterprise_or_guidance(request, refusal):
    """(enterprise, None) for an enterprise member; (None, response) for a signed-in person
    with no organisation at all: a page telling them to register one and come back. Anyone
    else (a vendor, the operator) is refused with `refusal` (PermissionDenied)."""
    if selectors.buyer_standing(request.user) == NO_ORGANIZATION:
        return None, render(request, "marketplace/organization_needed.html", {
            "next": request.get_full_path(),
            "wanted": _wanted(request.path),
        }, status=403)
    return people.acting_organization(request.user, Organization.Kind.ENTERPRISE, refusal), None
