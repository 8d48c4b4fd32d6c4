"""Reads of requests for quotes, quotes (side by side for the asking enterprise) and proposals,
each scoped to what the reader may see."""

import logging

from django.db import DatabaseError
from django.db.models import Count
from django.utils import timezone

from accounts import selectors as people
from catalog.models import CaseStudy, SolutionStatus
from search.backends import BackendUnavailable
from search.selectors import similar_solutions

from ..models import Proposal, Quote, QuoteRequest

logger = logging.getLogger(__name__)

# How many other vendors a request started from a solution offers beside its own.
SIMILAR_OFFERS = 4


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
        people.in_organizations_of(user, "enterprise")
        | people.in_organizations_of(user, "vendors")
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
        people.in_organizations_of(user, "request__enterprise")
        | people.in_organizations_of(user, "vendor")
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
            "is_expired": quote.is_expired(today),
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


def proposals_visible_to(user, need):
    """The need's enterprise (and operators) see every proposal; a vendor sees its own."""
    qs = Proposal.objects.filter(need=need).select_related("vendor", "solution")
    if people.is_operator(user) or people.is_member(user, need.enterprise):
        return qs
    return qs.filter(people.in_organizations_of(user, "vendor"))


def similar_offers(solution, limit=SIMILAR_OFFERS):
    """[(vendor, solution, None)] of up to `limit` other vendors, each with its published
    solution most like `solution`, best first: whom a buyer who came from one solution may
    ask in the same request, to compare quotes side by side. A search outage offers none
    instead of breaking the form."""
    try:
        pairs = similar_solutions(solution.pk, limit=limit * 3)
    except (BackendUnavailable, DatabaseError):
        logger.warning("similar offers of %s unavailable", solution.pk, exc_info=True)
        return []
    seen, offers = {solution.vendor_id}, []
    for found, _hit in pairs:
        if found.vendor_id in seen:
            continue
        seen.add(found.vendor_id)
        offers.append((found.vendor, found, None))
    return offers[:limit]
