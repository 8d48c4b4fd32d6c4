from celery import shared_task

from . import services


# Beat runs this daily (and more often does no harm): it only touches what is still open.
@shared_task(ignore_result=True, acks_late=True, reject_on_worker_lost=True)
def expire_marketplace_items():
    """Close needs past their deadline and expire quotes past their validity."""
    return services.expire_marketplace_items()
