from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import deadlines, selectors, services

# A task that fails is acknowledged all the same: these errors pass (a lost connection, a
# database restarting or failing over), so the task is sent again rather than lost.
TRANSIENT_ERRORS = (ConnectionError, OperationalError, InterfaceError)


# Every task here is safe to run twice (each checks the state it changes), so each is
# acknowledged only when done and queued again if its worker dies (settings: visibility).
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True,
             autoretry_for=TRANSIENT_ERRORS, retry_backoff=True, max_retries=5)
def run_prechecks(kind, subject_id):
    """Automated pre-checks for a submitted solution or revision, then into review. A
    database connection killed under it (tests/faults) sends it again: the submission would
    otherwise wait for requeue_stalled_submissions."""
    services.run_prechecks(kind, subject_id)


# Beat runs these every few minutes: a failed run needs no retry, the next one catches up.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_review_reminders():
    """Remind reviewers of reviews coming due (see catalog.deadlines)."""
    return deadlines.send_review_reminders()


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def escalate_overdue_reviews():
    """Escalate overdue reviews to the operator's admins (see catalog.deadlines)."""
    return deadlines.escalate_overdue_reviews()


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def requeue_stalled_submissions(now=None):
    """Beat: resend the pre-checks of submissions whose task never ran; run_prechecks is
    idempotent, so a slow task run twice does no harm.

    A broker outage at submission no longer needs this (the outbox relay starts the checks
    within seconds of the broker's return): it is the last net for a task lost once queued,
    say a broker that lost its data."""
    stalled = selectors.stalled_submissions(now)
    for kind, pk in stalled:
        run_prechecks.delay(kind, pk)
    return len(stalled)
