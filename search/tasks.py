"""Heavy work the outbox consumers hand to a worker."""

from celery import shared_task
from django.db.models import Q


# Safe to repeat (refresh_matches announces a match only once), so acknowledged when done.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def rematch_open_needs(solution_id):
    """A solution entered, changed or left the catalog: re-rank the open needs it could touch
    (same scenario, stage or industry), and those it was matched to."""
    from catalog.models import Solution
    from marketplace.models import Need

    from .matching import refresh_matches

    solution = Solution.objects.filter(pk=solution_id).first()
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
        refresh_matches(need, announce=True)
