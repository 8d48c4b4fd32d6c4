"""The dashboard: what matters for each role the user holds, one panel per role.

It lives in the marketplace because it gathers every role's work (catalog and marketplace) and
the marketplace is the app allowed to read both."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import render

from accounts import selectors as people
from accounts.models import Organization
from catalog import selectors as catalog
from catalog.models import ReviewEvent, SolutionStatus
from catalog.workflow import DECISION_STATUSES

from .. import selectors

S = SolutionStatus


# The order a vendor works through its solutions: what needs them first.
STATUS_ORDER = [S.CHANGES_REQUESTED, S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED,
                S.PUBLISHED, S.REJECTED, S.ARCHIVED]


DASHBOARD_LIMIT = 20


def _vendor_panel(user, vendor):
    latest_feedback = Subquery(
        ReviewEvent.objects.filter(solution=OuterRef("pk"), to_status__in=DECISION_STATUSES)
        .exclude(comment="")
        .order_by("-created_at", "-pk").values("comment")[:1]
    )
    solutions = list(
        catalog.solutions_visible_to(user).filter(vendor=vendor)
        .annotate(latest_feedback=latest_feedback).order_by("-updated_at", "-pk")
    )
    groups = [
        {"status": status, "label": status.label,
         "solutions": [s for s in solutions if s.status == status]}
        for status in STATUS_ORDER
    ]
    requests = list(
        selectors.quote_requests_visible_to(user).filter(vendors=vendor)
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    answered = set(
        selectors.quotes_visible_to(user).filter(vendor=vendor, request__in=requests)
        .values_list("request_id", flat=True)
    )
    for quote_request in requests:
        quote_request.answered = quote_request.pk in answered
    return {"organization": vendor, "groups": [g for g in groups if g["solutions"]],
            "quote_requests": requests,
            "need_feed": list(selectors.need_feed_for(vendor)[:DASHBOARD_LIMIT])}


def _enterprise_panel(user, enterprise):
    needs = (
        selectors.needs_visible_to(user).filter(enterprise=enterprise)
        .annotate(match_count=Count("matches", distinct=True))
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    requests = (
        selectors.quote_requests_visible_to(user).filter(enterprise=enterprise)
        .annotate(quote_count=Count("quotes", distinct=True))
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    return {"organization": enterprise, "needs": needs, "quote_requests": requests}


def _review_panel(user):
    is_reviewer = people.is_reviewer(user)
    return {
        "assigned": list(catalog.review_queue(reviewer=user)[:DASHBOARD_LIMIT])
        if is_reviewer else [],
        "queue_total": catalog.review_queue().count(),
        "is_reviewer": is_reviewer,
    }


@login_required
def dashboard(request):
    """What matters for each role the user holds, one panel per role."""
    user = request.user
    vendor = people.primary_organization(user, Organization.Kind.VENDOR)
    enterprise = people.primary_organization(user, Organization.Kind.ENTERPRISE)
    staff = people.is_reviewer(user) or people.is_operator(user)
    return render(request, "marketplace/dashboard.html", {
        "vendor_panel": _vendor_panel(user, vendor) if vendor else None,
        "enterprise_panel": _enterprise_panel(user, enterprise) if enterprise else None,
        "review_panel": _review_panel(user) if staff else None,
    })
