"""Web pages of requests for quotes and quotes: the composer, a request with its quotes side
by side, quoting, revising, declining and accepting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import selectors as people
from accounts.models import Organization
from accounts.registration import NotVerified
from catalog import selectors as catalog
from core.workflow import TransitionNotAllowed

from .. import selectors, services
from ..forms import (
    DeclineQuoteForm,
    QuoteForm,
    QuoteLineItemFormSet,
    QuoteRequestForm,
    line_items_of,
)
from ..models import QuoteRequest
from ..workflow import LIVE_QUOTE_STATUSES, StaleVersion
from .buyers import enterprise_or_guidance
from .needs import candidates_from_matches
from .ratings import rating_form


def _problems(exc):
    """What a refused change says: a validation error's messages, or the refused move's."""
    return exc.messages if isinstance(exc, ValidationError) else [str(exc)]


def _int_param(request, name):
    raw = request.POST.get(name) or request.GET.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


def _composer_subject(request, enterprise):
    """What the composer asks about, from ?need=, ?solution= (with ?question=1: a question
    to its vendor) or ?vendor=: (need, solution, vendor, candidates, initial), or None."""
    need_id, solution_id = _int_param(request, "need"), _int_param(request, "solution")
    vendor_id = _int_param(request, "vendor")
    if need_id is not None:
        need = get_object_or_404(
            selectors.needs_visible_to(request.user).filter(enterprise=enterprise), pk=need_id
        )
        return (need, None, None, candidates_from_matches(selectors.matches_for(need)),
                {"title": need.title, "requirements": need.description})
    if solution_id is not None:
        solution = get_object_or_404(catalog.published_solutions(), pk=solution_id)
        title, candidates = solution.title, [(solution.vendor, solution, None)]
        if request.GET.get("question") or request.POST.get("question"):
            title = _("Question about %(title)s") % {"title": solution.title}
        else:  # others offering the like, to compare their quotes side by side
            candidates += selectors.similar_offers(solution)
        return (None, solution, None, candidates,
                {"title": title[:200], "vendors": [solution.vendor_id]})
    if vendor_id is not None:
        vendor = get_object_or_404(Organization, pk=vendor_id, kind=Organization.Kind.VENDOR)
        title = _("Request to %(vendor)s") % {"vendor": vendor.display_name}
        return (None, None, vendor, [(vendor, None, None)],
                {"title": title[:200], "vendors": [vendor.pk]})
    return None


@login_required
def quote_request_create(request):
    """The composer: from a need's matches (?need=), one solution (?solution=) or one
    vendor (?vendor=), the title filled in and the vendor chosen."""
    enterprise, guidance = enterprise_or_guidance(
        request, _("Only members of an enterprise can do this."))
    if guidance is not None:
        return guidance
    subject = _composer_subject(request, enterprise)
    if subject is None:
        messages.info(request, _("Start a request for quotes from a need or a solution."))
        return redirect("dashboard")
    need, solution, vendor, candidates, initial = subject
    form = QuoteRequestForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            quote_request = services.request_quotes(
                actor=request.user, enterprise=enterprise, need=need, solution=solution,
                vendors=list(form.cleaned_data["vendors"]), title=form.cleaned_data["title"],
                requirements=form.cleaned_data["requirements"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Request sent. Vendors answer in their own time; you "
                                        "will see each quote here."))
            return redirect("quote-request-detail", quote_request.pk)
    return render(request, "marketplace/quote_request_form.html", {
        "form": form, "need": need, "solution": solution, "vendor": vendor,
        "with_similar": solution is not None and len(candidates) > 1,
        "question": bool(request.GET.get("question") or request.POST.get("question")),
    })


@login_required
def quote_request_detail(request, pk):
    quote_request = get_object_or_404(selectors.quote_requests_visible_to(request.user), pk=pk)
    quotes = list(
        selectors.quotes_visible_to(request.user).filter(request=quote_request)
        .order_by("total_cny", "pk")
    )
    is_open = quote_request.status == QuoteRequest.Status.OPEN
    for quote in quotes:
        quote.can_accept = (is_open and quote.status in LIVE_QUOTE_STATUSES
                            and not quote.is_expired())
    is_asker = people.is_member(request.user, quote_request.enterprise)
    if is_asker:  # the same comparison the API serves
        fits = {row["quote"].pk: row for row in selectors.quote_comparison(quote_request)}
        for quote in quotes:
            quote.fit = fits.get(quote.pk)
    my_vendor = next((v for v in quote_request.vendors.all()
                      if people.is_member(request.user, v)), None)
    my_quote = next((q for q in quotes if my_vendor and q.vendor_id == my_vendor.pk), None)
    submitted = [q.total_cny for q in quotes if q.status in LIVE_QUOTE_STATUSES]
    return render(request, "marketplace/quote_request_detail.html", {
        "quote_request": quote_request,
        "quotes": quotes,
        "is_asker": is_asker,
        "my_vendor": my_vendor,
        "can_quote": bool(my_vendor) and is_open and my_quote is None,
        "my_quote": my_quote,
        "rating_form": rating_form(quotes) if is_asker else None,
        "live_statuses": LIVE_QUOTE_STATUSES,
        "best_total": min(submitted) if len(submitted) > 1 else None,
    })


@login_required
def quote_create(request, pk):
    quote_request = get_object_or_404(selectors.quote_requests_visible_to(request.user), pk=pk)
    vendor = next((v for v in quote_request.vendors.all()
                   if people.is_member(request.user, v)), None)
    if vendor is None:
        raise PermissionDenied(_("Your organisation was not asked for a quote."))
    if quote_request.status != QuoteRequest.Status.OPEN:
        messages.info(request, _("This request is no longer open."))
        return redirect("quote-request-detail", quote_request.pk)
    asked_about = quote_request.solution
    initial = ({"solution": asked_about.pk}
               if asked_about is not None and asked_about.vendor_id == vendor.pk else {})
    form = QuoteForm(request.POST or None, initial=initial,
                     vendor_solutions=catalog.published_solutions().filter(vendor=vendor))
    items = QuoteLineItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and all([form.is_valid(), items.is_valid()]):
        try:
            services.submit_quote(
                actor=request.user, request=quote_request, vendor=vendor,
                line_items=line_items_of(items),
                delivery_weeks=form.cleaned_data["delivery_weeks"],
                valid_until=form.cleaned_data["valid_until"],
                terms=form.cleaned_data["terms"], solution=form.cleaned_data["solution"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except NotVerified as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Quote sent."))
            return redirect("quote-request-detail", quote_request.pk)
    return render(request, "marketplace/quote_form.html", {
        "form": form, "items": items, "quote_request": quote_request, "vendor": vendor,
    })


def _own_live_quote(user, pk):
    quote = get_object_or_404(selectors.quotes_visible_to(user), pk=pk)
    if not people.is_member(user, quote.vendor):
        raise PermissionDenied(_("Only the quoting vendor changes its quote."))
    return quote


@login_required
def quote_revise(request, pk):
    """The vendor sends a new version of its quote; the earlier versions are kept."""
    quote = _own_live_quote(request.user, pk)
    initial = {"delivery_weeks": quote.delivery_weeks, "valid_until": quote.valid_until,
               "terms": quote.terms, "solution": quote.solution_id}
    rows = [{"description": i.description, "unit": i.unit, "quantity": i.quantity,
             "unit_price_cny": i.unit_price_cny} for i in quote.line_items.all()]
    form = QuoteForm(request.POST or None, initial=initial,
                     vendor_solutions=catalog.published_solutions().filter(vendor=quote.vendor))
    items = QuoteLineItemFormSet(request.POST or None, prefix="items", initial=rows)
    if request.method == "POST" and all([form.is_valid(), items.is_valid()]):
        try:
            services.revise_quote(
                actor=request.user, quote=quote, line_items=line_items_of(items),
                delivery_weeks=form.cleaned_data["delivery_weeks"],
                valid_until=form.cleaned_data["valid_until"],
                terms=form.cleaned_data["terms"], solution=form.cleaned_data["solution"],
            )
        except ValidationError as exc:
            form.add_service_error(exc)
        except (TransitionNotAllowed, NotVerified) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Revised quote sent; the earlier version is kept."))
            return redirect("quote-request-detail", quote.request_id)
    return render(request, "marketplace/quote_form.html", {
        "form": form, "items": items, "quote_request": quote.request, "vendor": quote.vendor,
        "revising": quote,
    })


@login_required
@require_http_methods(["GET", "POST"])
def quote_decline(request, pk):
    """GET: what declining means, and the reason asked for. POST: decline, for good."""
    quote = _own_live_quote(request.user, pk)
    if quote.status not in LIVE_QUOTE_STATUSES:
        messages.info(request, _("This quote is no longer live."))
        return redirect("quote-request-detail", quote.request_id)
    form = DeclineQuoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_quote(actor=request.user, quote=quote,
                                   reason=form.cleaned_data["reason"])
        except (ValidationError, TransitionNotAllowed) as exc:
            messages.error(request, " ".join(_problems(exc)))
        else:
            messages.success(request, _("Quote declined."))
        return redirect("quote-request-detail", quote.request_id)
    return render(request, "marketplace/quote_decline_confirm.html", {
        "quote": quote, "form": form,
        "heading": _("Decline your quote?"),
        "action": reverse("quote-decline", args=[quote.pk]),
        "confirm_label": _("Decline the quote"),
        "cancel_url": reverse("quote-request-detail", args=[quote.request_id]),
    }, status=400 if request.method == "POST" else 200)


def _posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None  # no version named: the buyer is asked again, like a stale one


def _confirm_accept(request, quote, seen=None, status=200):
    """The second look before accepting: the vendor, the version, the total and the other
    quotes that accepting declines. `seen`: the version the buyer saw, when it changed."""
    current = selectors.quotes_visible_to(request.user).get(pk=quote.pk)
    others = (selectors.quotes_visible_to(request.user)
              .filter(request_id=current.request_id, status__in=LIVE_QUOTE_STATUSES)
              .exclude(pk=current.pk).select_related("vendor").order_by("total_cny", "pk"))
    return render(request, "marketplace/quote_accept_confirm.html", {
        "quote": current, "seen": seen, "others": list(others),
        "seen_version": current.versions.filter(version=seen).first() if seen else None,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def quote_accept(request, pk):
    """GET: the confirmation page for the version the buyer saw (?version=). POST: accept
    that version (a hidden field of the confirmation). If the vendor revised it since, the
    buyer sees the current version and is asked again."""
    quote = get_object_or_404(selectors.quotes_visible_to(request.user), pk=pk)
    services.check_may_accept(request.user, quote)
    if request.method == "GET":
        return _accept_page(request, quote)
    try:
        services.accept_quote(actor=request.user, quote=quote,
                              version=_posted_version(request))
    except StaleVersion as exc:
        return _confirm_accept(request, quote, seen=exc.seen, status=409)
    except (ValidationError, TransitionNotAllowed) as exc:
        for message in _problems(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Quote accepted. The other quotes on this request are "
                                    "declined."))
    return redirect("quote-request-detail", quote.request_id)


def _accept_page(request, quote):
    if (quote.request.status != QuoteRequest.Status.OPEN
            or quote.status not in LIVE_QUOTE_STATUSES or quote.is_expired()):
        messages.info(request, _("This quote can no longer be accepted."))
        return redirect("quote-request-detail", quote.request_id)
    seen = request.GET.get("version", "")
    seen = int(seen) if seen.isdigit() else None
    if seen is not None and seen != quote.version:
        return _confirm_accept(request, quote, seen=seen)
    return _confirm_accept(request, quote)
