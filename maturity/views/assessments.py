"""The self-assessment, one sub-domain per page with progress saved on every page, and the
results of a completed assessment."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization
from catalog.models import MaturityLevel, in_reader_language
from core.workflow import TransitionNotAllowed

from .. import selectors, services
from ..forms import SubDomainAnswersForm
from ..recommendations import quote_url, recommend
from ..results import assessment_results


def _acting_enterprise(user):
    return people.acting_organization(
        user, Organization.Kind.ENTERPRISE,
        _("Only members of an enterprise can assess its maturity."))


def _grouped(subdomains):
    """[(element, [(domain, [sub-domains])])] in model order, for the overview."""
    elements = {}
    for subdomain in subdomains:
        domain = subdomain.domain
        domains = elements.setdefault(domain.element, {})
        domains.setdefault(domain, []).append(subdomain)
    return [(element, list(domains.items())) for element, domains in elements.items()]


@login_required
def assessment(request):
    """Start an assessment, or continue the open one: the overview of its sub-domains."""
    enterprise = _acting_enterprise(request.user)
    if request.method == "POST":
        try:
            _assessment, created = services.start_assessment(actor=request.user,
                                                             enterprise=enterprise)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(request, _("Assessment started. Your answers are saved on "
                                            "every page; come back to it any time."))
        return redirect("maturity-assessment")
    open_assessment = selectors.open_assessment_of(enterprise)
    context = {
        "enterprise": enterprise,
        "assessment": open_assessment,
        "history": selectors.completed_assessments_of(enterprise)[:10],
    }
    if open_assessment is not None:
        subdomains, _answers = selectors.questionnaire(open_assessment)
        context.update({
            "groups": _grouped(subdomains),
            "done_count": sum(1 for s in subdomains if s.is_done),
            "subdomain_count": len(subdomains),
            "can_complete": all(s.is_done for s in subdomains)
            and not all(s.is_excluded for s in subdomains),
            "next_subdomain": next((s for s in subdomains if not s.is_done), None),
        })
    else:
        context["levels"] = [(level, in_reader_language(level.summary_en, level.summary_zh))
                             for level in MaturityLevel.objects.all()]
    return render(request, "maturity/assessment.html", context)


@login_required
def assessment_subdomain(request, code):
    """One sub-domain's statements; saving moves on to the next sub-domain."""
    enterprise = _acting_enterprise(request.user)
    open_assessment = selectors.open_assessment_of(enterprise)
    if open_assessment is None:
        messages.info(request, _("Start an assessment first."))
        return redirect("maturity-assessment")
    subdomains, answers = selectors.questionnaire(open_assessment)
    index = next((i for i, s in enumerate(subdomains) if s.code == code), None)
    if index is None:
        raise Http404
    subdomain = subdomains[index]
    following = subdomains[index + 1] if index + 1 < len(subdomains) else None
    form = SubDomainAnswersForm(request.POST or None, subdomain=subdomain, answers=answers,
                                is_excluded=subdomain.is_excluded)
    if request.method == "POST" and form.is_valid():
        answer_data, not_applicable = form.service_data()
        try:
            services.save_progress(actor=request.user, assessment=open_assessment,
                                   answers=answer_data, not_applicable=not_applicable)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Saved."))
            if "next" in request.POST and following is not None:
                return redirect("maturity-assessment-subdomain", following.code)
            return redirect("maturity-assessment")
    levels = {level.level: level for level in MaturityLevel.objects.all()}
    return render(request, "maturity/assessment_subdomain.html", {
        "assessment": open_assessment,
        "subdomain": subdomain,
        "form": form,
        "previous": subdomains[index - 1] if index > 0 else None,
        "following": following,
        "position": index + 1,
        "subdomain_count": len(subdomains),
        "sections": [(level, levels.get(level), fields) for level, fields in form.levels()],
    })


@login_required
@require_POST
def assessment_complete(request):
    enterprise = _acting_enterprise(request.user)
    open_assessment = selectors.open_assessment_of(enterprise)
    if open_assessment is None:
        return redirect("maturity-assessment")
    try:
        completed = services.complete_assessment(actor=request.user,
                                                 assessment=open_assessment)
    except (ValidationError, TransitionNotAllowed) as exc:
        for message in getattr(exc, "messages", None) or [str(exc)]:
            messages.error(request, message)
        return redirect("maturity-assessment")
    messages.success(request, _("Assessment completed: level %(level)d.")
                     % {"level": completed.level})
    return redirect("maturity-results", completed.pk)


@login_required
def results(request, pk):
    """A completed assessment, for its enterprise's members and the operator's staff."""
    found = get_object_or_404(selectors.assessments_visible_to(request.user), pk=pk)
    is_member = people.is_member(request.user, found.enterprise)
    if not found.is_completed:
        if is_member:
            return redirect("maturity-assessment")
        raise Http404
    figures = assessment_results(found)
    recommendations = recommend(found.enterprise, figures["weakest"])
    for item in recommendations:
        for match in item["matches"]:
            match.quote_url = quote_url(match.solution)
    return render(request, "maturity/results.html", {
        "assessment": found,
        "figures": figures,
        "recommendations": recommendations,
        "is_member": is_member,
    })
