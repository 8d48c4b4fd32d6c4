"""Web pages of the marketplace: the dashboard, needs with their matches, requests for quotes
and quotes.

The dashboard lives here because it gathers every role's work (catalog and marketplace) and
the marketplace is the app allowed to read both. Reads go through the selectors, which scope
everything to the reader's organisations; writes go through marketplace.services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
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
from config.files import private_file_response

from . import selectors, services
from .forms import (
    NeedForm,
    ProposalForm,
    QuoteForm,
    QuoteLineItemFormSet,
    QuoteRequestForm,
    RatingForm,
    line_items_of,
)
from .models import Need, QuoteRequest
from .workflow import LIVE_QUOTE_STATUSES, StaleVersion

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
            "quote_requests": requests,
            "need_feed": list(selectors.need_feed_for(vendor)[:DASHBOARD_LIMIT])}


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
    is_owner = people.is_member(request.user, need.enterprise)
    # Vendors may read a public or invited need, never the competitors ranked for it.
    can_see_matches = is_owner or people.is_operator(request.user)
    matches = list(selectors.matches_for(need)) if can_see_matches else []
    composer = None
    if is_owner and need.status == Need.Status.OPEN:
        candidates = _candidates_from_matches(matches)
        if candidates:
            composer = QuoteRequestForm(
                candidates=candidates,
                initial={"title": need.title, "requirements": need.description},
            )
    proposals = list(selectors.proposals_visible_to(request.user, need))
    return render(request, "marketplace/need_detail.html", {
        "need": need,
        "matches": matches,
        "can_see_matches": can_see_matches,
        "proposals": proposals,
        "proposal_form": None if is_owner or proposals else _proposal_form(request.user, need),
        "is_owner": is_owner,
        "composer": composer,
        "quote_requests": selectors.quote_requests_visible_to(request.user).filter(need=need),
    })


def _proposal_form(user, need, data=None):
    vendor = people.primary_organization(user, Organization.Kind.VENDOR)
    if vendor is None or need.status != Need.Status.OPEN:
        return None
    solutions = catalog.solutions_visible_to(user).filter(vendor=vendor, status=S.PUBLISHED)
    return ProposalForm(data, solutions=solutions)


@login_required
@require_POST
def need_propose(request, pk):
    need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
    form = _proposal_form(request.user, need, request.POST)
    if form is None:
        raise PermissionDenied(_("Only vendors propose on open needs."))
    if form.is_valid():
        try:
            solution = form.cleaned_data["solution"]  # offered among the vendor's own only
            services.propose(actor=request.user, vendor=solution.vendor, need=need,
                             solution=solution, message=form.cleaned_data["message"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Proposal sent."))
    else:
        messages.error(request, _("Choose a solution and say how it answers the need."))
    return redirect("need-detail", need.pk)


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
        quote.can_accept = (is_open and quote.status in LIVE_QUOTE_STATUSES
                            and not quote.is_expired)
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
        "rating_form": _rating_form(quotes) if is_asker else None,
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
        else:
            messages.success(request, _("Quote sent."))
            return redirect("quote-request-detail", quote_request.pk)
    return render(request, "marketplace/quote_form.html", {
        "form": form, "items": items, "quote_request": quote_request, "vendor": vendor,
    })


def _rating_form(quotes):
    """A form to rate the accepted quote, until it is rated."""
    accepted = next((q for q in quotes if q.status == "accepted"), None)
    if accepted is None or selectors.rating_of(accepted).exists():
        return None
    form = RatingForm()
    form.quote = accepted
    return form


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
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Quote declined."))
    return redirect("quote-request-detail", quote.request_id)


@login_required
@require_POST
def quote_rate(request, pk):
    quote = get_object_or_404(selectors.quotes_visible_to(request.user), pk=pk)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give each criterion a score from 1 to 5."))
    else:
        data = dict(form.cleaned_data)
        text = data.pop("text")
        try:
            services.rate(actor=request.user, quote=quote, scores=data, text=text)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Thank you for rating."))
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
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Quote accepted. The other quotes on this request are "
                                    "declined."))
    return redirect("quote-request-detail", quote.request_id)


@login_required
def message_thread(request, pk, vendor_pk):
    """The thread of a request with one vendor: only the two parties read and write here."""
    quote_request = get_object_or_404(selectors.quote_requests_visible_to(request.user), pk=pk)
    vendor = get_object_or_404(quote_request.vendors.all(), pk=vendor_pk)
    if not (people.is_member(request.user, quote_request.enterprise)
            or people.is_member(request.user, vendor)):
        raise Http404
    if request.method == "POST":
        try:
            services.post_message(actor=request.user, request=quote_request, vendor=vendor,
                                  body=request.POST.get("body", ""),
                                  files=request.FILES.getlist("attachments"))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("message-thread", quote_request.pk, vendor.pk)
    thread = selectors.threads_visible_to(request.user).filter(
        request=quote_request, vendor=vendor
    ).first()
    return render(request, "marketplace/message_thread.html", {
        "quote_request": quote_request,
        "vendor": vendor,
        "thread_messages": selectors.messages_of(thread) if thread else [],
    })


@login_required
def message_attachment(request, pk):
    """A message's file: for the thread's two parties; operator staff say which dispute it is
    for (logged) and then download it; anyone else gets 404."""
    try:
        attachment = selectors.message_attachment(pk)
    except ObjectDoesNotExist:
        raise Http404 from None
    thread = attachment.message.thread
    if not services.is_party_to(request.user, thread):
        if not people.is_operator(request.user):
            raise Http404
        if not request.GET.get("reason", "").strip():
            return render(request, "marketplace/attachment_reason.html",
                          {"attachment": attachment, "thread": thread})
    try:
        services.open_message_attachment(actor=request.user, attachment=attachment,
                                         reason=request.GET.get("reason", ""))
    except PermissionDenied:
        raise Http404 from None
    return private_file_response(attachment.file, filename=attachment.original_name,
                                 content_type=attachment.content_type)
