from celery import shared_task

from . import services


# Beat runs this daily (and more often does no harm): it only touches what is still open.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def expire_marketplace_items():
    """Close needs past their deadline and expire quotes past their validity."""
    return services.expire_marketplace_items()


# Safe to repeat (refresh_matches announces a match only once), so acknowledged when done.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def rematch_open_needs(solution_id):
    """Re-rank the open needs a solution could touch (the consumer of its catalog events
    hands this to a worker, so the outbox relay is not held by it)."""
    from .matching.ranking import rematch_for_solution

    rematch_for_solution(solution_id)
