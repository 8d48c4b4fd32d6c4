"""Web pages of requests for quotes and quotes: the composer, a request with its quotes side
by side, quoting, revising, declining and accepting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization
from accounts.registration import NotVerified
from catalog import selectors as catalog
from core.workflow import TransitionNotAllowed

from .. import selectors, services
from ..forms import QuoteForm, QuoteLineItemFormSet, QuoteRequestForm, line_items_of
from ..models import QuoteRequest
from ..workflow import LIVE_QUOTE_STATUSES, StaleVersion
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


@login_required
def quote_request_create(request):
    """The composer: from a need's matches (?need=) or from one solution (?solution=)."""
    enterprise = people.acting_organization(request.user, Organization.Kind.ENTERPRISE,
                                            _("Only members of an enterprise can do this."))
    need_id, solution_id = _int_param(request, "need"), _int_param(request, "solution")
    need = solution = None
    if need_id is not None:
        need = get_object_or_404(
            selectors.needs_visible_to(request.user).filter(enterprise=enterprise), pk=need_id
        )
        candidates = candidates_from_matches(selectors.matches_for(need))
        initial = {"title": need.title, "requirements": need.description}
    elif solution_id is not None:
        solution = get_object_or_404(catalog.published_solutions(), pk=solution_id)
        candidates = [(solution.vendor, solution, None)]
        initial = {"title": solution.title, "vendors": [solution.vendor_id]}
    else:
        messages.info(request, _("Start a request for quotes from a need or a solution."))
        return redirect("dashboard")
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
    return render(request, "marketplace/quote_request_form.html",
                       {"form": form, "need": need, "solution": solution})


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
    form = QuoteForm(request.POST or None,
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
@require_POST
def quote_decline(request, pk):
    quote = _own_live_quote(request.user, pk)
    try:
        services.decline_quote(actor=request.user, quote=quote,
                               reason=request.POST.get("reason", ""))
    except (ValidationError, TransitionNotAllowed) as exc:
        messages.error(request, " ".join(_problems(exc)))
    else:
        messages.success(request, _("Quote declined."))
    return redirect("quote-request-detail", quote.request_id)


def _posted_version(request):
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return None  # no version named: the buyer is asked again, like a stale one


@login_required
@require_POST
def quote_accept(request, pk):
    """Accept the version of the quote the buyer saw (a hidden field of the form). If the
    vendor revised it since, the buyer sees the current version and is asked again."""
    quote = get_object_or_404(selectors.quotes_visible_to(request.user), pk=pk)
    services.check_may_accept(request.user, quote)
    try:
        services.accept_quote(actor=request.user, quote=quote,
                              version=_posted_version(request))
    except StaleVersion as exc:
        current = selectors.quotes_visible_to(request.user).get(pk=quote.pk)
        return render(request, "marketplace/quote_accept_confirm.html", {
            "quote": current, "seen": exc.seen,
            "seen_version": current.versions.filter(version=exc.seen).first(),
        }, status=409)
    except (ValidationError, TransitionNotAllowed) as exc:
        for message in _problems(exc):
            messages.error(request, message)
    else:
        messages.success(request, _("Quote accepted. The other quotes on this request are "
                                    "declined."))
    return redirect("quote-request-detail", quote.request_id)
