from celery import shared_task

from . import services


@shared_task(ignore_result=True, autoretry_for=(ConnectionError,), retry_backoff=True,
             max_retries=5)
def run_prechecks(kind, subject_id):
    """Automated pre-checks for a submitted solution or revision, then into review."""
    services.run_prechecks(kind, subject_id)
