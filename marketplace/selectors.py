"""Reads of the marketplace, each scoped to what the reader may see."""

from django.db.models import Q

from accounts import selectors as people
from catalog.selectors import LIST_RELATIONS

from .models import Match, Need, Quote, QuoteRequest


def needs_visible_to(user):
    """An enterprise's members see its needs; operators see all; nobody else sees any yet."""
    qs = Need.objects.select_related("enterprise", "industry", "region").prefetch_related(
        "stages", "scenarios"
    )
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(enterprise__memberships__user=user).distinct()


def matches_for(need):
    return (
        Match.objects.filter(need=need)
        .select_related("solution__vendor")
        .prefetch_related(*(f"solution__{name}" for name in LIST_RELATIONS))
        .order_by("rank")
    )


def quote_requests_visible_to(user):
    """The asking enterprise and the invited vendors see a request."""
    qs = QuoteRequest.objects.select_related("enterprise", "need", "solution").prefetch_related(
        "vendors"
    )
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        Q(enterprise__memberships__user=user) | Q(vendors__memberships__user=user)
    ).distinct()


def quotes_visible_to(user):
    """A quote is seen by the enterprise that asked and the vendor that answered."""
    qs = Quote.objects.select_related("request", "vendor", "solution").prefetch_related(
        "line_items"
    )
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(
        Q(request__enterprise__memberships__user=user) | Q(vendor__memberships__user=user)
    ).distinct()
