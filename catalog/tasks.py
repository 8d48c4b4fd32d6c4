from celery import shared_task

from . import services


@shared_task(ignore_result=True, autoretry_for=(ConnectionError,), retry_backoff=True,
             max_retries=5)
def run_prechecks(solution_id):
    """Automated pre-checks for a submitted solution, then into review."""
    services.run_prechecks(solution_id)
