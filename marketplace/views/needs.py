"""Web pages of needs: posting one, its page with its matches and proposals, proposing on
it, closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as people
from accounts.models import Organization
from catalog import selectors as catalog
from catalog.models import SolutionStatus

from .. import selectors, services
from ..forms import NeedForm, ProposalForm, QuoteRequestForm
from ..models import Need
from .buyers import enterprise_or_guidance


@login_required
def need_create(request):
    enterprise, guidance = enterprise_or_guidance(
        request, _("Only members of an enterprise can do this."))
    if guidance is not None:
        return guidance
    form = NeedForm(request.POST or None, prefill=request.GET)
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
    return render(request, "marketplace/need_form.html", {
        "form": form, "enterprise": enterprise, "for_quotes": bool(request.GET.get("quotes")),
    })


def candidates_from_matches(matches):
    """One (vendor, solution, match) per vendor: its best-ranked published solution."""
    seen, candidates = set(), []
    for match in matches:
        solution = match.solution
        if solution.status != SolutionStatus.PUBLISHED or solution.vendor_id in seen:
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
        candidates = candidates_from_matches(matches)
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
        # Posted a moment ago: its first ranking is on its way through the outbox.
        "ranking": need.matched_at is None and need.status == Need.Status.OPEN,
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
    solutions = catalog.solutions_visible_to(user).filter(vendor=vendor,
                                                          status=SolutionStatus.PUBLISHED)
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
@require_http_methods(["GET", "POST"])
def need_close(request, pk):
    """GET: what closing means. POST: close the need, for good."""
    need = get_object_or_404(selectors.needs_visible_to(request.user), pk=pk)
    if request.method == "GET":
        if not people.is_member(request.user, need.enterprise):
            raise PermissionDenied(_("Only the enterprise that posted a need closes it."))
        if need.status != Need.Status.OPEN:
            messages.info(request, _("This need is already closed."))
            return redirect("need-detail", need.pk)
        return render(request, "marketplace/need_close_confirm.html", {
            "need": need,
            "heading": _("Close the need “%(title)s”?") % {"title": need.title},
            "action": reverse("need-close", args=[need.pk]),
            "confirm_label": _("Close the need"),
            "cancel_url": reverse("need-detail", args=[need.pk]),
        })
    services.close_need(actor=request.user, need=need)
    messages.success(request, _("Need closed."))
    return redirect("need-detail", need.pk)
