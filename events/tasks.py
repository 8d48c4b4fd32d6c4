from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def dispatch_outbox():
    """Deliver pending outbox events; scheduled on commit and swept by beat."""
    return services.dispatch_pending()
