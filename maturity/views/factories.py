"""The smart-factory registry: the public list of verified factories, an enterprise's
registrations with their evidence, and the operators' verification."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as people
from accounts.models import Organization
from catalog.models import FactoryTier, Region
from core.files import private_file_response
from core.workflow import TransitionNotAllowed

from .. import selectors, services
from ..forms import EvidenceForm, FactoryDecisionForm, FactoryForm
from ..models import SmartFactory

PAGE_SIZE = 25


def factory_list(request):
    """Verified factories for everyone; your own registrations and, for operators, the
    ones awaiting verification too."""
    user = request.user
    factories = selectors.factories_visible_to(user).order_by("status", "-created_at", "-pk")
    filters = {}
    for name, field in (("status", "status"), ("tier", "tier__code"), ("region", "region__code")):
        value = request.GET.get(name, "")
        if value:
            filters[name] = value
            factories = factories.filter(**{field: value})
    page = Paginator(factories, PAGE_SIZE).get_page(request.GET.get("page"))
    enterprise = people.primary_organization(user, Organization.Kind.ENTERPRISE)
    return render(request, "maturity/factory_list.html", {
        "page_obj": page,
        "factories": page.object_list,
        "filters": filters,
        "querystring": urlencode(filters),
        "tiers": FactoryTier.objects.all(),
        "regions": Region.objects.all(),
        "statuses": SmartFactory.Status.choices,
        "enterprise": enterprise,
        "is_operator": people.is_operator(user),
    })


@login_required
def factory_create(request):
    enterprise = people.acting_organization(
        request.user, Organization.Kind.ENTERPRISE,
        _("Only members of an enterprise can register its factories."))
    form = FactoryForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            factory = services.register_factory(actor=request.user, enterprise=enterprise,
                                                **form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Factory registered. The operator verifies it against "
                                        "the evidence; you will be notified."))
            return redirect("factory-detail", factory.pk)
    latest = selectors.latest_assessment_of(enterprise)
    return render(request, "maturity/factory_form.html", {
        "form": form, "enterprise": enterprise, "latest": latest,
        "tiers": [(tier, services.required_level(tier)) for tier in FactoryTier.objects.all()],
    })


def _managed_factory(user, pk):
    factory = get_object_or_404(selectors.factories_visible_to(user), pk=pk)
    if not selectors.can_manage_factory(user, factory):
        raise PermissionDenied(_("Only the factory's enterprise and the operator can do "
                                 "this."))
    return factory


def factory_detail(request, pk):
    factory = get_object_or_404(selectors.factories_visible_to(request.user), pk=pk)
    can_manage = request.user.is_authenticated and selectors.can_manage_factory(
        request.user, factory)
    is_operator = people.is_operator(request.user)
    return render(request, "maturity/factory_detail.html", {
        "factory": factory,
        "can_manage": can_manage,
        "is_owner": people.is_member(request.user, factory.enterprise),
        "is_operator": is_operator,
        "evidence": factory.evidence.all() if can_manage else [],
        "evidence_form": EvidenceForm() if can_manage else None,
        "decision_form": FactoryDecisionForm() if is_operator else None,
        "required_level": services.required_level(factory.tier),
    })


def _report(request, exc):
    for message in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, message)


@login_required
@require_POST
def factory_evidence_add(request, pk):
    factory = _managed_factory(request.user, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("factory-detail", factory.pk)
    try:
        services.add_evidence(actor=request.user, factory=factory,
                              upload=form.cleaned_data["file"],
                              title=form.cleaned_data["title"])
    except ValidationError as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Document added."))
    return redirect("factory-detail", factory.pk)


@login_required
def factory_evidence(request, pk):
    """An evidence document, for the factory's enterprise and the operator only."""
    document = get_object_or_404(selectors.evidence_visible_to(request.user), pk=pk)
    return private_file_response(document.file, filename=document.original_name,
                                 content_type=document.content_type)


def _decide(request, pk, decide, success):
    factory = _managed_factory(request.user, pk)
    form = FactoryDecisionForm(request.POST)
    form.is_valid()
    try:
        decide(actor=request.user, factory=factory, note=form.cleaned_data.get("note", ""))
    except (ValidationError, TransitionNotAllowed) as exc:
        _report(request, exc)
    else:
        messages.success(request, success)
    return redirect("factory-detail", factory.pk)


@login_required
@require_POST
def factory_verify(request, pk):
    return _decide(request, pk, services.verify_factory, _("Factory verified."))


@login_required
@require_POST
def factory_reject(request, pk):
    return _decide(request, pk, services.reject_factory, _("Factory rejected."))


@login_required
@require_POST
def factory_resubmit(request, pk):
    factory = _managed_factory(request.user, pk)
    try:
        services.resubmit_factory(actor=request.user, factory=factory)
    except (ValidationError, TransitionNotAllowed) as exc:
        _report(request, exc)
    else:
        messages.success(request, _("Sent to the operator again."))
    return redirect("factory-detail", factory.pk)
