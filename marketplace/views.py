"""Web pages of the marketplace: the dashboard, needs with their matches, requests for quotes
and quotes.

The dashboard lives here because it gathers every role's work (catalog and marketplace) and
the marketplace is the app allowed to read both. Reads go through the selectors, which scope
everything to the reader's organisations; writes go through marketplace.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization
from catalog import selectors as catalog
from catalog.models import ReviewEvent, SolutionStatus
from catalog.workflow import DECISION_STATUSES

from . import selectors, services
from .forms import NeedForm, QuoteForm, QuoteLineItemFormSet, QuoteRequestForm, line_items_of
from .models import Need, Quote, QuoteRequest

S = SolutionStatus
# The order a vendor works through its solutions: what needs them first.
STATUS_ORDER = [S.CHANGES_REQUESTED, S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.APPROVED,
                S.PUBLISHED, S.REJECTED, S.ARCHIVED]
DASHBOARD_LIMIT = 20


def _vendor_panel(user, vendor):
    latest_feedback = Subquery(
        ReviewEvent.objects.filter(solution=OuterRef("pk"), to_status__in=DECISION_STATUSES)
        .exclude(comment="")
        .order_by("-created_at", "-pk").values("comment")[:1]
    )
    solutions = list(
        catalog.solutions_visible_to(user).filter(vendor=vendor)
        .annotate(latest_feedback=latest_feedback).order_by("-updated_at", "-pk")
    )
    groups = [
        {"status": status, "label": status.label,
         "solutions": [s for s in solutions if s.status == status]}
        for status in STATUS_ORDER
    ]
    requests = list(
        selectors.quote_requests_visible_to(user).filter(vendors=vendor)
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    answered = set(
        selectors.quotes_visible_to(user).filter(vendor=vendor, request__in=requests)
        .values_list("request_id", flat=True)
    )
    for quote_request in requests:
        quote_request.answered = quote_request.pk in answered
    return {"organization": vendor, "groups": [g for g in groups if g["solutions"]],
            "quote_requests": requests}


def _enterprise_panel(user, enterprise):
    needs = (
        selectors.needs_visible_to(user).filter(enterprise=enterprise)
        .annotate(match_count=Count("matches", distinct=True))
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    requests = (
        selectors.quote_requests_visible_to(user).filter(enterprise=enterprise)
        .annotate(quote_count=Count("quotes", distinct=True))
        .order_by("-created_at", "-pk")[:DASHBOARD_LIMIT]
    )
    return {"organization": enterprise, "needs": needs, "quote_requests": requests}


def _review_panel(user):
    is_reviewer = people.is_reviewer(user)
    return {
        "assigned": list(catalog.review_queue(reviewer=user)[:DASHBOARD_LIMIT])
        if is_reviewer else [],
        "queue_total": catalog.review_queue().count(),
        "is_reviewer": is_reviewer,
    }


@login_required
def dashboard(request):
    """What matters for each role the user holds, one panel per role."""
    user = request.user
    vendor = people.primary_organization(user, Organization.Kind.VENDOR)
    enterprise = people.primary_organization(user, Organization.Kind.ENTERPRISE)
    staff = people.is_reviewer(user) or people.is_operator(user)
    return render(request, "marketplace/dashboard.html", {
        "vendor_panel": _vendor_panel(user, vendor) if vendor else None,
        "enterprise_panel": _enterprise_panel(user, enterprise) if enterprise else None,
        "review_panel": _review_panel(user) if staff else None,
    })


def _acting_enterprise(user):
    enterprise = people.primary_organization(user, Organization.Kind.ENTERPRISE)
    if enterprise is None:
        raise PermissionDenied(_("Only members of an enterprise can do this."))
    return enterprise


@login_required
def need_create(request):
    enterprise = _acting_enterprise(request.user)
    form = NeedForm(request.POST or None, initial=NeedForm.initial_from_query(request.GET))
    if request.method == "POST" and form.is_valid():
        try:
            need = services.post_need(actor=request.user, enterprise=enterprise,
                                      data=form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Need posted. Matching solutions appear below as soon "
                                        "as they are ranked."))
            return redirect("need-detail", need.pk)
    return render(request, "marketplace/need_form.html",
                       {"form": form, "enterprise": enterprise})


def _candidates_from_matches(matches):
    """One (vendor, solution, match) per vendor: its best-ranked published solution."""
    seen, candidates = set(), []
    for match in matches:
        solution = match.solution
        if solution.status != S.PUBLISHED or solution.vendor_id in seen:
            continue
        seen.add(solution.vendor_id)
        candidates.append((solution.vendor, solution, match))
    return candidates


@login_required
def need_detail(request, pk):
    need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
    matches = list(selectors.matches_for(need))
    is_owner = people.is_member(request.user, need.enterprise)
    composer = None
    if is_owner and need.status == Need.Status.OPEN:
        candidates = _candidates_from_matches(matches)
        if candidates:
            composer = QuoteRequestForm(
                candidates=candidates,
                initial={"title": need.title, "requirements": need.description},
            )
    return render(request, "marketplace/need_detail.html", {
        "need": need,
        "matches": matches,
        "is_owner": is_owner,
        "composer": composer,
        "quote_requests": selectors.quote_requests_visible_to(request.user).filter(need=need),
    })


@login_required
@require_POST
def need_close(request, pk):
    need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
    services.close_need(actor=request.user, need=need)
    messages.success(request, _("Need closed."))
    return redirect("need-detail", need.pk)


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
    enterprise = _acting_enterprise(request.user)
    need_id, solution_id = _int_param(request, "need"), _int_param(request, "solution")
    need = solution = None
    if need_id is not None:
        need = get_object_or_404(
            selectors.needs_visible_to(request.user).filter(enterprise=enterprise), pk=need_id
        )
        candidates = _candidates_from_matches(selectors.matches_for(need))
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
    today = timezone.localdate()
    is_open = quote_request.status == QuoteRequest.Status.OPEN
    for quote in quotes:
        quote.is_expired = quote.valid_until < today
        quote.can_accept = (is_open and quote.status == Quote.Status.SUBMITTED
                            and not quote.is_expired)
    is_asker = people.is_member(request.user, quote_request.enterprise)
    my_vendor = next((v for v in quote_request.vendors.all()
                      if people.is_member(request.user, v)), None)
    my_quote = next((q for q in quotes if my_vendor and q.vendor_id == my_vendor.pk), None)
    submitted = [q.total_cny for q in quotes if q.status == Quote.Status.SUBMITTED]
    return render(request, "marketplace/quote_request_detail.html", {
        "quote_request": quote_request,
        "quotes": quotes,
        "is_asker": is_asker,
        "my_vendor": my_vendor,
        "can_quote": bool(my_vendor) and is_open and my_quote is None,
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
        else:
            messages.success(request, _("Quote sent."))
            return redirect("quote-request-detail", quote_request.pk)
    return render(request, "marketplace/quote_form.html", {
        "form": form, "items": items, "quote_request": quote_request, "vendor": vendor,
    })


@login_required
@require_POST
def quote_accept(request, pk):
    quote = get_object_or_404(selectors.quotes_visible_to(request.user), pk=pk)
    try:
        services.accept_quote(actor=request.user, quote=quote)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Quote accepted. The other quotes on this request are "
                                    "declined."))
    return redirect("quote-request-detail", quote.request_id)
