"""The nightly sweep: needs past their deadline close, quotes past their validity expire."""

from django.db import transaction
from django.utils import timezone

from .. import workflow
from ..models import Need, Quote, QuoteRequest


def expire_marketplace_items(today=None):
    """Close needs past their deadline (expiring their open requests) and expire quotes past
    their validity. Idempotent: only what is still open or live is touched, one row at a time
    in its own transaction, so a failure leaves the rest for the next run."""
    today = today or timezone.localdate()
    counts = {"needs": 0, "requests": 0, "quotes": 0}
    overdue_needs = Need.objects.filter(status=Need.Status.OPEN, deadline__lt=today)
    for need in overdue_needs.only("pk"):
        with transaction.atomic():
            if not Need.objects.select_for_update().filter(
                pk=need.pk, status=Need.Status.OPEN
            ).exists():
                continue
            workflow.transition_need(need, Need.Status.CLOSED)
            counts["needs"] += 1
            for request in QuoteRequest.objects.filter(need=need,
                                                       status=QuoteRequest.Status.OPEN):
                workflow.transition_request(request, QuoteRequest.Status.EXPIRED)
                counts["requests"] += 1
    stale_quotes = Quote.objects.expired(today).filter(status__in=workflow.LIVE_QUOTE_STATUSES)
    for quote in stale_quotes.only("pk"):
        with transaction.atomic():
            if not Quote.objects.select_for_update().filter(
                pk=quote.pk, status__in=workflow.LIVE_QUOTE_STATUSES
            ).exists():
                continue
            workflow.transition_quote(quote, Quote.Status.EXPIRED)
            counts["quotes"] += 1
    return counts
