"""Writes of requests for quotes, quotes and their versions, and vendors' proposals on needs.
Status changes go through marketplace.workflow."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.registration import require_verified
from catalog import limits as catalog_limits
from catalog.models import SolutionStatus
from core.outbox import emit

from .. import limits, workflow
from ..models import (
    Need,
    Proposal,
    Quote,
    QuoteLineItem,
    QuoteRequest,
    QuoteVersion,
    validity_over,
)
from .checks import full_clean, require_member


@transaction.atomic
def request_quotes(*, actor, enterprise, vendors, title, requirements="", need=None,
                   solution=None):
    """One request for quotes from an enterprise to one or several vendors."""
    require_member(actor, enterprise, Organization.Kind.ENTERPRISE)
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
    catalog_limits.check_length(errors, "requirements", requirements,
                                limits.REQUIREMENTS_MAX_CHARS)
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
    require_member(actor, vendor, Organization.Kind.VENDOR)
    require_verified(vendor)
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
    catalog_limits.check_count(errors, "line_items", line_items, limits.QUOTE_LINE_ITEMS_MAX)
    if valid_until is not None and validity_over(valid_until):
        errors["valid_until"] = [_("A quote cannot expire in the past.")]
    errors.update(_offer_errors(solution, vendor.pk))
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
    items = _line_items(line_items)
    quote.total_cny = _total(items)
    full_clean(quote, exclude=["request", "vendor", "created_by"])
    quote.save()
    _save_line_items(quote, items)
    _snapshot(quote, items, actor)
    emit("quote.submitted", quote, request_id=request.pk, enterprise_id=request.enterprise_id,
         vendor_id=vendor.pk)
    return quote


def _offer_errors(solution, vendor_id):
    # The enterprise sees the offered solution's title: a draft would leak through it.
    if solution is None:
        return {}
    if solution.vendor_id != vendor_id:
        return {"solution": [_("Offer one of your own solutions.")]}
    if solution.status != SolutionStatus.PUBLISHED:
        return {"solution": [_("Only published solutions can be offered.")]}
    return {}


def _line_items(line_items):
    return [QuoteLineItem(position=i, **item) for i, item in enumerate(line_items)]


def _total(items):
    # Money is summed here from Decimal amounts, never taken from the client.
    return sum((item.amount_cny for item in items), Decimal("0.00"))


def _save_line_items(quote, items):
    for item in items:
        item.quote = quote
        full_clean(item, exclude=["quote"])
    QuoteLineItem.objects.bulk_create(items)


def _snapshot(quote, items, actor):
    return QuoteVersion.objects.create(
        quote=quote, version=quote.version, total_cny=quote.total_cny,
        delivery_weeks=quote.delivery_weeks, valid_until=quote.valid_until, terms=quote.terms,
        solution=quote.solution, created_by=actor,
        line_items=[{"description": i.description, "unit": i.unit,
                     "quantity": str(i.quantity), "unit_price_cny": str(i.unit_price_cny),
                     "amount_cny": str(i.amount_cny)} for i in items],
    )


def _live_quote_for_vendor(actor, quote):
    quote = Quote.objects.select_for_update(of=("self",)).select_related("request", "vendor").get(
        pk=quote.pk
    )
    require_member(actor, quote.vendor, Organization.Kind.VENDOR)
    if quote.status not in workflow.LIVE_QUOTE_STATUSES:
        raise ValidationError({"quote": [_("This quote is no longer on the table.")]})
    return quote


@transaction.atomic
def revise_quote(*, actor, quote, line_items, delivery_weeks, valid_until, terms="",
                 solution=None):
    """The vendor sends a new version; the earlier versions stay readable."""
    QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
    quote = _live_quote_for_vendor(actor, quote)
    require_verified(quote.vendor)
    errors = {}
    if quote.request.status != QuoteRequest.Status.OPEN:
        errors["request"] = [_("This request is no longer open.")]
    if not line_items:
        errors["line_items"] = [_("Add at least one line item.")]
    catalog_limits.check_count(errors, "line_items", line_items, limits.QUOTE_LINE_ITEMS_MAX)
    if valid_until is not None and validity_over(valid_until):
        errors["valid_until"] = [_("A quote cannot expire in the past.")]
    errors.update(_offer_errors(solution, quote.vendor_id))
    if errors:
        raise ValidationError(errors)
    items = _line_items(line_items)
    changes = {"delivery_weeks": delivery_weeks, "valid_until": valid_until, "terms": terms,
               "solution": solution, "total_cny": _total(items), "version": quote.version + 1}
    for name, value in changes.items():
        setattr(quote, name, value)
    full_clean(quote, exclude=["request", "vendor", "created_by"])
    quote.line_items.all().delete()
    _save_line_items(quote, items)
    _snapshot(quote, items, actor)
    return workflow.transition_quote(quote, Quote.Status.REVISED, actor=actor, changes=changes,
                                     version=quote.version)


@transaction.atomic
def decline_quote(*, actor, quote, reason):
    """The vendor withdraws its quote and says why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why you decline.")]})
    catalog_limits.require_length("reason", reason, limits.REASON_MAX_CHARS)
    # Request first, then quote: the same order as accept_quote, so the two never deadlock.
    QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
    quote = _live_quote_for_vendor(actor, quote)
    if quote.request.status != QuoteRequest.Status.OPEN:
        raise ValidationError({"request": [_("This request is no longer open.")]})
    return workflow.transition_quote(quote, Quote.Status.DECLINED, actor=actor,
                                     changes={"decline_reason": reason}, reason=reason)


def check_may_accept(actor, quote):
    """Only the asking enterprise decides on a quote (checked before anything else is read)."""
    require_member(actor, quote.request.enterprise, Organization.Kind.ENTERPRISE)


@transaction.atomic
def accept_quote(*, actor, quote, version):
    """Accept one quote at the `version` the enterprise saw (else workflow.StaleVersion, and
    nothing changes); the request is settled and every other live quote declined together.
    Rows are locked request first, as a revision does: of two acceptances exactly one wins,
    and a revision lands wholly before the version check or is refused after acceptance."""
    request = QuoteRequest.objects.select_for_update().get(pk=quote.request_id)
    require_member(actor, request.enterprise, Organization.Kind.ENTERPRISE)
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if (request.status != QuoteRequest.Status.OPEN
            or quote.status not in workflow.LIVE_QUOTE_STATUSES):
        raise ValidationError({"quote": [_("Only a live quote on an open request.")]})
    if quote.is_expired():
        raise ValidationError({"quote": [_("This quote has expired.")]})
    workflow.require_version(quote, version)
    quote = workflow.transition_quote(quote, Quote.Status.ACCEPTED, actor=actor)
    others = request.quotes.exclude(pk=quote.pk).filter(
        status__in=workflow.LIVE_QUOTE_STATUSES
    )
    for other in others:
        workflow.transition_quote(other, Quote.Status.DECLINED, actor=actor,
                                  changes={"decline_reason": _("Another quote was accepted.")})
    workflow.transition_request(request, QuoteRequest.Status.ACCEPTED, actor=actor)
    return quote


@transaction.atomic
def propose(*, actor, vendor, need, solution, message):
    """A vendor answers a public need (or a private one it was invited to) with a solution."""
    require_member(actor, vendor, Organization.Kind.VENDOR)
    require_verified(vendor)
    need = Need.objects.select_for_update().get(pk=need.pk)
    invited = need.invited_vendors.filter(pk=vendor.pk).exists()
    if need.visibility != Need.Visibility.PUBLIC and not invited:
        raise PermissionDenied(_("This need is not open to your organisation."))
    errors = {}
    if need.status != Need.Status.OPEN:
        errors["need"] = [_("This need is closed.")]
    if solution.vendor_id != vendor.pk:
        errors["solution"] = [_("Cite one of your own solutions.")]
    elif solution.status != SolutionStatus.PUBLISHED:
        errors["solution"] = [_("Only published solutions can be proposed.")]
    if not (message or "").strip():
        errors["message"] = [_("Tell the enterprise how your solution answers its need.")]
    catalog_limits.check_length(errors, "message", (message or "").strip(),
                                limits.PROPOSAL_MESSAGE_MAX_CHARS)
    if Proposal.objects.filter(need=need, vendor=vendor).exists():
        errors["need"] = [_("Your organisation has already proposed on this need.")]
    if errors:
        raise ValidationError(errors)
    proposal = Proposal.objects.create(need=need, vendor=vendor, solution=solution,
                                       message=message.strip(), created_by=actor)
    emit("proposal.submitted", proposal, need_id=need.pk, enterprise_id=need.enterprise_id,
         vendor_id=vendor.pk)
    return proposal
