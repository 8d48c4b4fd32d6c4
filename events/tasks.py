from celery import shared_task

from . import digest


@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def send_daily_digests():
    """Beat, once a day: one email per person who chose the daily digest."""
    return digest.send_daily_digests()
