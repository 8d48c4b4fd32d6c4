"""Dead letters for operator staff: event deliveries that failed every attempt (core.relay),
listed with their errors and put back in the queue on request."""

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.utils.translation import gettext as _

from accounts.selectors import is_operator
from core import outbox
from core.models import Delivery


def dead_letters(consumer=""):
    """Newest first, with their events; only `consumer`'s when given."""
    qs = Delivery.objects.filter(status=Delivery.Status.DEAD).select_related("event")
    if consumer:
        qs = qs.filter(consumer=consumer)
    return qs.order_by("-updated_at", "-id")


def count_by_consumer():
    """[(consumer, how many dead letters)], the most first."""
    return list(
        Delivery.objects.filter(status=Delivery.Status.DEAD)
        .values_list("consumer")
        .annotate(count=Count("id"))
        .order_by("-count", "consumer")
    )


def retry(*, actor, ids=(), consumer=""):
    """Queue again the dead letters `ids`, or all of `consumer`'s. Returns how many."""
    if not is_operator(actor):
        raise PermissionDenied(_("Only operator staff may retry event deliveries."))
    if consumer:
        return outbox.retry(dead_letters(consumer))
    return outbox.retry(Delivery.objects.filter(pk__in=list(ids)))
