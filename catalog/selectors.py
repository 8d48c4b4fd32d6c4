"""Reads of the catalog, each with the joins its callers need."""

from datetime import timedelta

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from accounts import selectors as people
from accounts.models import Organization

from . import sla
from .models import (
    CaseStudy,
    CheckResult,
    Region,
    Scenario,
    Solution,
    SolutionRevision,
    SolutionStatus,
)

LIST_RELATIONS = ("scenarios__stage", "scenarios__link", "stages", "industries", "technologies",
                  "regions")
REVIEW_STATUSES = (SolutionStatus.SUBMITTED, SolutionStatus.IN_REVIEW)


def with_relations(queryset):
    return queryset.select_related("vendor", "reviewer", "first_approved_by").prefetch_related(
        *LIST_RELATIONS
    )


def with_details(queryset):
    # No review history or check results: they are read, by who may see them, on their own
    # (review_history_of, check_results_of).
    return with_relations(queryset).prefetch_related(
        Prefetch(
            "case_studies",
            queryset=CaseStudy.objects.select_related("industry", "region").prefetch_related(
                "outcomes"
            ),
        ),
    )


def published_solutions():
    return with_relations(Solution.objects.filter(status=SolutionStatus.PUBLISHED))


def solutions_visible_to(user):
    """Published ones for everyone; a vendor's members also see its drafts; operators see all."""
    qs = Solution.objects.all()
    if people.is_operator(user):
        return with_relations(qs)
    visible = Q(status=SolutionStatus.PUBLISHED)
    if user.is_authenticated:
        visible |= people.in_organizations_of(user, "vendor")
    return with_relations(qs.filter(visible).distinct())


class ReviewInternalsAudience:
    """Who sees a submission's review internals: its history (comments, reasons, who
    decided), its pre-check results and its reviewer. The vendor's own members and operator
    staff (reviewers are operator staff) do; everyone else sees its status and dates only.

    Built once per request: asking about many solutions costs one or two queries in all."""

    def __init__(self, user):
        self.sees_all = people.is_operator(user)
        self.vendor_ids = frozenset()
        if user.is_authenticated and not self.sees_all:
            self.vendor_ids = frozenset(
                people.organizations_of(user).values_list("pk", flat=True)
            )

    def may_see(self, subject):
        """`subject`: a Solution or a SolutionRevision."""
        return self.sees_all or subject.vendor_id in self.vendor_ids


def may_see_review_internals(user, subject):
    """The one rule for the API and the pages: see ReviewInternalsAudience."""
    return ReviewInternalsAudience(user).may_see(subject)


def review_history_of(solution):
    """A listing's review events and its revisions', oldest first, with who made them."""
    return solution.review_events.select_related("actor", "revision").order_by("created_at",
                                                                               "id")


def sees_only_published(user):
    """True when `user` sees exactly what an anonymous reader sees: neither operator staff
    nor a member of any solution provider (one query when signed in). An operator
    organisation's API key is not staff: it reads what the public reads."""
    if not user.is_authenticated:
        return True
    if user.is_superuser:
        return False
    # An API key's principal keeps the answer as long as it is remembered (accounts.api).
    memo = getattr(user, "principal_memo", None)
    if memo is not None and "sees_only_published" in memo:
        return memo["sees_only_published"]
    kinds = [Organization.Kind.VENDOR]
    if people.is_person(user):
        kinds.append(Organization.Kind.OPERATOR)
    answer = not user.memberships.filter(organization__kind__in=kinds).exists()
    if memo is not None:
        memo["sees_only_published"] = answer
    return answer


def revisions_visible_to(user):
    """A vendor's members see its revisions; operator staff see all."""
    qs = SolutionRevision.objects.select_related(
        "solution__vendor", "reviewer", "first_approved_by"
    )
    if people.is_operator(user):
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(people.in_organizations_of(user, "solution__vendor"))


def revisions_of(solution):
    return solution.revisions.select_related("reviewer", "first_approved_by").order_by("-number")


def check_results_of(subject):
    """The check results of a listing's own submissions, or of one revision's."""
    if isinstance(subject, SolutionRevision):
        qs = CheckResult.objects.filter(revision=subject)
    else:
        qs = CheckResult.objects.filter(solution=subject, revision=None)
    return qs.select_related("revision").order_by("-submission", "code")


def review_queue(reviewer=None):
    qs = Solution.objects.filter(status__in=REVIEW_STATUSES).order_by("submitted_at", "pk")
    if reviewer is not None:
        qs = qs.filter(reviewer=reviewer)
    return with_relations(qs)


def review_items(*, status=None, scenario=None, sla_status=None, reviewer=None, now=None):
    """Everything awaiting review, listings and revisions together, earliest deadline first.

    Two queries (plus prefetches) whatever the length; the SLA status depends on business
    days, so it is computed and filtered here rather than in SQL."""
    now = now or timezone.now()
    statuses = [status] if status else list(REVIEW_STATUSES)
    solution_filter = Q(status__in=statuses)
    revision_filter = Q(status__in=statuses)
    if scenario:
        solution_filter &= Q(scenarios__code=scenario)
        revision_filter &= Q(solution__scenarios__code=scenario)
    if reviewer is not None:
        solution_filter &= Q(reviewer=reviewer)
        revision_filter &= Q(reviewer=reviewer)
    solutions = with_relations(Solution.objects.filter(solution_filter).distinct())
    changes = SolutionRevision.objects.filter(revision_filter).distinct().select_related(
        "solution__vendor", "reviewer", "first_approved_by"
    ).prefetch_related(*(f"solution__{name}" for name in LIST_RELATIONS))
    items = [*solutions, *changes]
    for item in items:
        item.sla_status = sla.sla_status(item.review_due_at, now)
    if sla_status:
        items = [item for item in items if item.sla_status == sla_status]
    far_future = now.replace(year=now.year + 100)
    return sorted(items, key=lambda item: (item.review_due_at or far_future,
                                           item.submitted_at or far_future))


def submission_number(solution):
    """Submissions are numbered per solution, across the listing and its revisions."""
    return solution.review_events.filter(to_status=SolutionStatus.SUBMITTED).count()


STALLED_AFTER = timedelta(minutes=10)


def stalled_submissions(now=None):
    """(kind, pk) of the submissions still waiting for their pre-checks after STALLED_AFTER:
    their task never ran (see catalog.tasks.requeue_stalled_submissions)."""
    cutoff = (now or timezone.now()) - STALLED_AFTER
    stalled = [("solution", pk) for pk in Solution.objects.filter(
        status=SolutionStatus.SUBMITTED, submitted_at__lt=cutoff).values_list("pk", flat=True)]
    stalled += [("revision", pk) for pk in SolutionRevision.objects.filter(
        status=SolutionStatus.SUBMITTED, submitted_at__lt=cutoff).values_list("pk", flat=True)]
    return stalled


# The vendor directory (/vendors/): providers with their published solutions counted.
DIRECTORY_VERIFIED, DIRECTORY_ALL = "verified", "all"


def vendor_directory(*, q="", region="", scenario="", industry="", show=DIRECTORY_VERIFIED):
    """Solution providers for the directory, most published solutions first.

    `show`: verified providers only (the default), or also those awaiting verification; a
    rejected one is never listed. `region`: a provider based there, serving it (its profile)
    or with a published solution for it. `scenario`: with a published solution of that
    scenario. `industry`: the provider's own industry, or one of its published solutions'."""
    statuses = [Organization.Status.VERIFIED]
    if show == DIRECTORY_ALL:
        statuses.append(Organization.Status.PENDING)
    vendors = Organization.objects.filter(kind=Organization.Kind.VENDOR, status__in=statuses)
    published = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    if q:
        vendors = vendors.filter(Q(name__icontains=q) | Q(name_zh__icontains=q))
    if scenario:
        vendors = vendors.filter(pk__in=published.filter(scenarios__code=scenario)
                                 .values("vendor_id"))
    if industry:
        vendors = vendors.filter(Q(industry=industry) | Q(
            pk__in=published.filter(industries__code=industry).values("vendor_id")))
    if region:
        serving = [pk for pk, codes in vendors.values_list("pk", "service_regions")
                   if region in (codes or [])]  # JSON containment differs per database
        vendors = vendors.filter(
            Q(region=region) | Q(pk__in=serving)
            | Q(pk__in=published.filter(regions__code=region).values("vendor_id")))
    return vendors.annotate(
        published_count=Count("solutions", filter=Q(solutions__status=SolutionStatus.PUBLISHED),
                              distinct=True),
    ).order_by("-published_count", "name", "pk")


def scenarios_of_vendors(vendor_ids):
    """{vendor id: [Scenario, …]} of their published solutions, in code order."""
    through = Solution.scenarios.through
    pairs = set(through.objects.filter(
        solution__vendor_id__in=vendor_ids, solution__status=SolutionStatus.PUBLISHED
    ).values_list("solution__vendor_id", "scenario_id"))
    scenarios = Scenario.objects.in_bulk({scenario_id for _, scenario_id in pairs})
    found = {}
    for vendor_id, scenario_id in sorted(pairs, key=lambda p: (p[0], scenarios[p[1]].code)):
        found.setdefault(vendor_id, []).append(scenarios[scenario_id])
    return found


def regions_by_code():
    return {region.code: region for region in Region.objects.all()}
