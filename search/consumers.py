"""Keep the index and the matches in step with the catalog and the marketplace, driven by
outbox events."""

from django.db.models import Q

from events.registry import subscribe

# solution.published and solution.archived come from the review workflow (a solution enters
# or leaves the catalog); solution.updated from an approved revision or an import.
SOLUTION_TOPICS = ("solution.published", "solution.archived", "solution.updated")
NEED_TOPICS = ("need.created", "need.updated")


def reindex_solution(event):
    """Idempotent: indexes the solution if it is published now, removes it otherwise. When the
    search backend is unreachable this raises and the dispatcher retries the event."""
    from .services import sync_solution

    sync_solution(int(event.aggregate_id))


def match_need(event):
    from marketplace.models import Need

    from .matching import refresh_matches

    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    if need is not None:
        refresh_matches(need)


def rematch_open_needs(event):
    """A solution entered, changed or left the catalog: re-rank the open needs it could touch
    (same scenario, stage or industry), and those it was matched to."""
    from catalog.models import Solution
    from marketplace.models import Need

    from .matching import refresh_matches

    solution = Solution.objects.filter(pk=event.aggregate_id).first()
    if solution is None:
        return
    scenarios = list(solution.scenarios.values_list("pk", flat=True))
    stages = list(solution.all_stages().values_list("pk", flat=True))
    industries = list(solution.industries.values_list("pk", flat=True))
    needs = Need.objects.filter(status=Need.Status.OPEN).filter(
        Q(scenarios__in=scenarios) | Q(stages__in=stages) | Q(industry__in=industries)
        | Q(matches__solution=solution)
    ).distinct()
    for need in needs.iterator():
        refresh_matches(need)


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, reindex_solution)
        subscribe(topic, rematch_open_needs)
    for topic in NEED_TOPICS:
        subscribe(topic, match_need)
