"""Reads of the marketplace, each scoped to what the reader may see."""

from django.db.models import Avg, Count, Prefetch, Q
from django.utils import timezone

from accounts import selectors as people
from accounts.models import Organization
from catalog.models import CaseStudy, Solution, SolutionStatus
from catalog.selectors import LIST_RELATIONS

from .models import (
    Match,
    MessageAttachment,
    MessageThread,
    Need,
    Proposal,
    Quote,
    QuoteRequest,
    Rating,
)


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
    visible = Q(enterprise__memberships__user=user)
    if vendor_ids:
        visible |= Q(visibility=Need.Visibility.PUBLIC, status=Need.Status.OPEN)
        visible |= Q(invited_vendors__in=vendor_ids)
    return qs.filter(visible).distinct()


def needs_owned_by(user):
    """The needs of the reader's own enterprises (operators: all), e.g. for their matches."""
    qs = needs_visible_to(user)
    if people.is_operator(user):
        return qs
    return qs.filter(enterprise__memberships__user=user)


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


def offered_solution(quote):
    """The solution a quote offers: its own, else the request's when the same vendor's."""
    if quote.solution_id:
        return quote.solution
    solution = quote.request.solution
    return solution if solution is not None and solution.vendor_id == quote.vendor_id else None


def _case_study_counts(field, ids):
    rows = (CaseStudy.objects.filter(**{f"{field}__in": ids},
                                     solution__status=SolutionStatus.PUBLISHED)
            .values(field).annotate(n=Count("id")))
    return {row[field]: row["n"] for row in rows}


def comparison_quotes(quote_request):
    """The quotes on a request in the comparison's order, the lowest total first, with what
    quote_comparison reads of each."""
    return (
        Quote.objects.filter(request=quote_request)
        .select_related("vendor", "solution", "request__solution")
        .prefetch_related("solution__scenarios", "solution__industries",
                          "request__solution__scenarios", "request__solution__industries",
                          "line_items")
        .order_by("total_cny", "pk")
    )


def quote_comparison(quote_request, quotes=None):
    """The quotes on a request side by side, each with how well the offered solution fits the
    need and the vendor's evidence. `quotes`: some of comparison_quotes(quote_request) (a
    page of them), by default all. A fixed number of queries whatever the number of quotes."""
    need = quote_request.need
    need_scenarios = {s.code: s for s in need.scenarios.all()} if need else {}
    quotes = list(comparison_quotes(quote_request) if quotes is None else quotes)
    solutions = {q.pk: offered_solution(q) for q in quotes}
    by_solution = _case_study_counts("solution_id",
                                     [s.pk for s in solutions.values() if s is not None])
    by_vendor = _case_study_counts("solution__vendor_id", [q.vendor_id for q in quotes])
    today = timezone.localdate()
    rows = []
    for quote in quotes:
        solution = solutions[quote.pk]
        rows.append({
            "quote": quote,
            "is_expired": quote.valid_until < today,
            "solution": solution,
            "scenario_fit": _scenario_fit(need_scenarios, solution),
            "maturity_fit": _maturity_fit(need, solution),
            "industry_fit": (None if need is None or need.industry_id is None or solution is None
                             else any(i.pk == need.industry_id
                                      for i in solution.industries.all())),
            "solution_case_studies": by_solution.get(getattr(solution, "pk", None), 0),
            "vendor_case_studies": by_vendor.get(quote.vendor_id, 0),
        })
    return rows


def _scenario_fit(need_scenarios, solution):
    if not need_scenarios or solution is None:
        return None
    matched = sorted(code for code in need_scenarios
                     if code in {s.code for s in solution.scenarios.all()})
    return {"matched": matched, "of": len(need_scenarios)}


def _maturity_fit(need, solution):
    if need is None or need.target_level is None or solution is None:
        return None
    return {
        "target_level": need.target_level,
        "solution_from": solution.maturity_from,
        "solution_to": solution.maturity_to,
        "fits": solution.maturity_from <= need.target_level <= solution.maturity_to,
    }


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


def proposals_visible_to(user, need):
    """The need's enterprise (and operators) see every proposal; a vendor sees its own."""
    qs = Proposal.objects.filter(need=need).select_related("vendor", "solution")
    if people.is_operator(user) or people.is_member(user, need.enterprise):
        return qs
    return qs.filter(vendor__memberships__user=user)


def threads_visible_to(user):
    """The two parties see a thread; operators go through read_thread_for_dispute instead."""
    if not user.is_authenticated:
        return MessageThread.objects.none()
    return (
        MessageThread.objects.filter(
            Q(request__enterprise__memberships__user=user) | Q(vendor__memberships__user=user)
        )
        .select_related("request__enterprise", "vendor")
        .distinct()
    )


def messages_of(thread):
    return (thread.messages.select_related("author_organization")
            .prefetch_related("attachments").order_by("created_at", "pk"))


def message_attachment(pk):
    """One message attachment with what deciding who may open it needs; who may is
    messaging.open_message_attachment's rule."""
    return (MessageAttachment.objects
            .select_related("message__thread__request__enterprise", "message__thread__vendor")
            .get(pk=pk))


def visible_ratings(*, vendor=None, solution=None, limit=10):
    """The newest visible ratings of a vendor or a solution, for their public pages."""
    qs = Rating.objects.filter(is_hidden=False).select_related("enterprise", "solution")
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if solution is not None:
        qs = qs.filter(solution=solution)
    return qs.order_by("-created_at", "-pk")[:limit]


def ratings_visible_to(user):
    """Ratings are public; hidden ones only to operator staff (who hid them)."""
    qs = Rating.objects.select_related("enterprise", "vendor", "solution")
    if people.is_operator(user):
        return qs
    return qs.filter(is_hidden=False)


def rating_summary(*, vendor=None, solution=None):
    """Count and average scores of the visible ratings of a vendor or a solution (or both)."""
    qs = Rating.objects.filter(is_hidden=False)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if solution is not None:
        qs = qs.filter(solution=solution)
    names = (*Rating.CRITERIA, "score")
    row = qs.aggregate(count=Count("id"), **{name: Avg(name) for name in names})
    averages = {name: (round(float(row[name]), 2) if row[name] is not None else None)
                for name in names}
    return {"count": row["count"], **averages}


def rating_of(quote):
    """The rating of a quote, hidden or not: its parties know whether they rated."""
    return Rating.objects.filter(quote=quote)
