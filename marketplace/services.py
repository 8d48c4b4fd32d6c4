"""Writes and business rules of the marketplace: needs, requests for quotes, quotes."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Organization
from catalog.models import SolutionStatus
from events.services import emit

from .models import Need, Quote, QuoteLineItem, QuoteRequest

NEED_RELATIONS = ("stages", "scenarios")


def _require_member(actor, organization, kind):
    if organization.kind != kind:
        raise PermissionDenied(_("This action is for %(kind)s organisations.") % {"kind": kind})
    if not (actor.is_superuser or people.is_member(actor, organization)):
        raise PermissionDenied(_("You are not a member of this organisation."))


def _full_clean(instance, exclude=()):
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc


@transaction.atomic
def post_need(*, actor, enterprise, data):
    """An enterprise posts a need; matching runs after commit (through the outbox)."""
    _require_member(actor, enterprise, Organization.Kind.ENTERPRISE)
    data = dict(data)
    relations = {name: data.pop(name) for name in NEED_RELATIONS if name in data}
    need = Need(enterprise=enterprise, created_by=actor, **data)
    if (
        need.current_level is not None
        and need.target_level is not None
        and need.current_level > need.target_level
    ):
        raise ValidationError({"target_level": [_("Must not be below the current level.")]})
    _full_clean(need, exclude=["enterprise", "created_by"])
    need.save()
    for name, values in relations.items():
        getattr(need, name).set(values)
    emit("need.created", need, enterprise_id=enterprise.pk)
    return need


@transaction.atomic
def close_need(*, actor, need):
    _require_member(actor, need.enterprise, Organization.Kind.ENTERPRISE)
    if need.status != Need.Status.CLOSED:
        need.status = Need.Status.CLOSED
        need.save(update_fields=["status", "updated_at"])
        emit("need.closed", need, enterprise_id=need.enterprise_id)
    return need


@transaction.atomic
def request_quotes(*, actor, enterprise, vendors, title, requirements="", need=None,
                   solution=None):
    """One request for quotes from an enterprise to one or several vendors."""
    _require_member(actor, enterprise, Organization.Kind.ENTERPRISE)
    vendors = list({v.pk: v for v in vendors}.values())
    errors = {}
    if not vendors:
        errors["vendors"] = [_("Choose at least one vendor.")]
    elif len(vendors) > settings.QUOTE_REQUEST_MAX_VENDORS:
        errors["vendors"] = [
            _("At most %(n)d vendors per request.") % {"n": settings.QUOTE_REQUEST_MAX_VENDORS}
        ]
    elif any(v.kind != Organization.Kind.VENDOR for v in vendors):
        errors["vendors"] = [_("Quotes can only be requested from solution providers.")]
    if need is not None and need.enterprise_id != enterprise.pk:
        errors["need"] = [_("This need belongs to another enterprise.")]
    if solution is not None:
        if solution.status != SolutionStatus.PUBLISHED:
            errors["solution"] = [_("Only published solutions can be quoted.")]
        elif solution.vendor_id not in {v.pk for v in vendors}:
            errors["solution"] = [_("The solution's vendor must be among the recipients.")]
    if not title.strip():
        errors["title"] = [_("Give the request a title.")]
    if errors:
        raise ValidationError(errors)
    request = QuoteRequest.objects.create(
        enterprise=enterprise,
        need=need,
        solution=solution,
        title=title.strip(),
        requirements=requirements,
        created_by=actor,
    )
    request.vendors.set(vendors)
    emit("rfq.received", request, enterprise_id=enterprise.pk,
         vendor_ids=[v.pk for v in vendors])
    return request


@transaction.atomic
def submit_quote(*, actor, request, vendor, line_items, delivery_weeks, valid_until, terms="",
                 solution=None):
    """A vendor answers a request; the total is computed here, never taken from the client."""
    _require_member(actor, vendor, Organization.Kind.VENDOR)
    request = QuoteRequest.objects.select_for_update().get(pk=request.pk)
    errors = {}
    if not request.vendors.filter(pk=vendor.pk).exists():
        raise PermissionDenied(_("Your organisation was not asked for a quote."))
    if request.status != QuoteRequest.Status.OPEN:
        errors["request"] = [_("This request is no longer open.")]
    if Quote.objects.filter(request=request, vendor=vendor).exists():
        errors["request"] = [_("Your organisation has already quoted on this request.")]
    if not line_items:
        errors["line_items"] = [_("Add at least one line item.")]
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = [_("A quote cannot expire in the past.")]
    if solution is not None and solution.vendor_id != vendor.pk:
        errors["solution"] = [_("Offer one of your own solutions.")]
    if errors:
        raise ValidationError(errors)
    quote = Quote(
        request=request,
        vendor=vendor,
        solution=solution,
        delivery_weeks=delivery_weeks,
        valid_until=valid_until,
        terms=terms,
        created_by=actor,
    )
    items = [QuoteLineItem(position=i, **item) for i, item in enumerate(line_items)]
    quote.total_cny = sum((item.amount_cny for item in items), Decimal("0.00"))
    _full_clean(quote, exclude=["request", "vendor", "created_by"])
    quote.save()
    for item in items:
        item.quote = quote
        _full_clean(item, exclude=["quote"])
    QuoteLineItem.objects.bulk_create(items)
    emit("quote.submitted", quote, request_id=request.pk, enterprise_id=request.enterprise_id,
         vendor_id=vendor.pk)
    return quote


@transaction.atomic
def accept_quote(*, actor, quote):
    """Accept one quote: the request is settled and every other quote is declined together."""
    request = QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
    _require_member(actor, request.enterprise, Organization.Kind.ENTERPRISE)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if request.status != QuoteRequest.Status.OPEN or quote.status != Quote.Status.SUBMITTED:
        raise ValidationError({"quote": [_("Only a submitted quote on an open request.")]})
    if quote.valid_until < timezone.localdate():
        raise ValidationError({"quote": [_("This quote has expired.")]})
    quote.status = Quote.Status.ACCEPTED
    quote.save(update_fields=["status", "updated_at"])
    request.quotes.exclude(pk=quote.pk).update(status=Quote.Status.DECLINED,
                                               updated_at=timezone.now())
    request.status = QuoteRequest.Status.ACCEPTED
    request.save(update_fields=["status"])
    emit("quote.accepted", quote, request_id=request.pk, enterprise_id=request.enterprise_id,
         vendor_id=quote.vendor_id)
    return quote
