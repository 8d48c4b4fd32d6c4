"""Reads of needs and their matches, each scoped to what the reader may see."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from accounts import selectors as people
from accounts.models import Organization
from catalog.models import CaseStudy, Solution, SolutionStatus
from catalog.selectors import LIST_RELATIONS

from ..models import Match, Need


def needs_visible_to(user):
    """An enterprise's members see its needs; operators see all; vendors see open public needs
    and the private needs they were invited to; nobody else sees any."""
    qs = Need.objects.select_related("enterprise", "industry", "region").prefetch_related(
        "stages", "scenarios", "invited_vendors"
    )
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    vendor_ids = [org.pk for org in people.organizations_of(user, Organization.Kind.VENDOR)]
    visible = people.in_organizations_of(user, "enterprise")
    if vendor_ids:
        visible |= Q(visibility=Need.Visibility.PUBLIC, status=Need.Status.OPEN)
        visible |= Q(invited_vendors__in=vendor_ids)
    return qs.filter(visible).distinct()


def needs_owned_by(user):
    """The needs of the reader's own enterprises (operators: all), e.g. for their matches."""
    qs = needs_visible_to(user)
    if people.is_operator(user):
        return qs
    return qs.filter(people.in_organizations_of(user, "enterprise"))


def matches_for(need):
    """The need's matches by rank, each with its solution as a solution's details show it
    (case studies, review state): a fixed number of queries whatever the number."""
    return (
        Match.objects.filter(need=need)
        .select_related("solution__vendor", "solution__reviewer", "solution__first_approved_by")
        .prefetch_related(
            *(f"solution__{name}" for name in LIST_RELATIONS),
            Prefetch("solution__case_studies", queryset=CaseStudy.objects.select_related(
                "industry", "region").prefetch_related("outcomes")),
        )
        .order_by("rank")
    )


def need_feed_for(vendor):
    """Open public needs that fit the vendor's published solutions by scenario or industry."""
    published = Solution.objects.filter(vendor=vendor, status=SolutionStatus.PUBLISHED)
    scenario_ids = published.values("scenarios")
    industry_ids = published.values("industries")
    today = timezone.localdate()
    return (
        Need.objects.filter(visibility=Need.Visibility.PUBLIC, status=Need.Status.OPEN)
        .exclude(deadline__lt=today)
        .filter(Q(scenarios__in=scenario_ids) | Q(industry__in=industry_ids))
        .select_related("enterprise", "industry", "region")
        .prefetch_related("stages", "scenarios", "invited_vendors")
        .distinct()
    )
