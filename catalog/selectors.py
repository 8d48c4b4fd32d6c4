"""Reads of the catalog, each with the joins its callers need."""

from django.db.models import Prefetch

from .models import CaseStudy, Solution, SolutionStatus

LIST_RELATIONS = ("scenarios__stage", "scenarios__link", "stages", "industries", "technologies",
                  "regions")


def with_relations(queryset):
    return queryset.select_related("vendor").prefetch_related(*LIST_RELATIONS)


def with_details(queryset):
    return with_relations(queryset).prefetch_related(
        Prefetch(
            "case_studies",
            queryset=CaseStudy.objects.select_related("industry", "region").prefetch_related(
                "outcomes"
            ),
        ),
        "review_events__actor",
        "check_results",
    )


def published_solutions():
    return with_relations(Solution.objects.filter(status=SolutionStatus.PUBLISHED))


def solutions_visible_to(user):
    """Published ones for everyone; a vendor's members also see its drafts; operators see all."""
    from django.db.models import Q

    from accounts import selectors as people

    qs = Solution.objects.all()
    if people.is_operator(user):
        return with_relations(qs)
    visible = Q(status=SolutionStatus.PUBLISHED)
    if user.is_authenticated:
        visible |= Q(vendor__memberships__user=user)
    return with_relations(qs.filter(visible).distinct())


def review_queue(reviewer=None):
    qs = Solution.objects.filter(
        status__in=[SolutionStatus.SUBMITTED, SolutionStatus.IN_REVIEW]
    ).order_by("submitted_at", "pk")
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return with_relations(qs.select_related("reviewer"))
