"""Accounts' own web answers: an organisation's public logo; the pages of organisations'
registration (a newcomer registers one and follows its verification; operator staff work the
queue). Views translate HTTP; who may do what is accounts.registration's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.workflow import TransitionNotAllowed

from . import registration, taxonomy
from . import selectors as people
from .forms import OrganizationDecisionForm, OrganizationRegistrationForm
from .logos import content_type_of
from .models import Organization

S = Organization.Status
QUEUE_FILTERS = ("pending", "rejected", "verified", "all")


def _kinds_open_to(user):
    """The kinds the user may still register: those they belong to no organisation of."""
    taken = set(people.organizations_of(user).values_list("kind", flat=True))
    return [kind for kind in registration.REGISTRABLE_KINDS if kind not in taken]


@login_required
def organization_register(request):
    if not people.is_person(request.user):
        raise PermissionDenied(_("Sign in as a person to register an organisation."))
    kinds = _kinds_open_to(request.user)
    if not kinds:
        messages.info(request, _("You already belong to a solution provider and an "
                                 "enterprise."))
        return redirect("organization-status")
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in kinds else {}
    form = OrganizationRegistrationForm(request.POST or None, request.FILES or None,
                                        kinds=kinds, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            registration.register_organization(actor=request.user,
                                               kind=form.cleaned_data["kind"],
                                               logo=form.cleaned_data.get("logo"),
                                               **form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Thank you: your organisation is registered and "
                                        "awaits verification by the operator."))
            return redirect(_next_of(request) or "organization-status")
    return render(request, "accounts/organization_register.html",
                  {"form": form, "next": _next_of(request)})


def _next_of(request):
    """Where the person was going before registering (a page of this site only)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _with_names(organization):
    organization.region_name = taxonomy.region_name(organization.region)
    organization.industry_name = (taxonomy.industry_name(organization.industry)
                                  if organization.industry else "")
    return organization


@login_required
def organization_status(request):
    """The signed-in person's organisations and where each stands in verification: what
    they can already do, what waits, and a form to correct a rejected one."""
    organizations = [
        _with_names(organization) for organization in
        people.organizations_of(request.user).exclude(kind=Organization.Kind.OPERATOR)
        .order_by("kind", "pk")
    ]
    for organization in organizations:
        organization.can_resubmit = (organization.status == S.REJECTED
                                     and people.is_admin_of(request.user, organization))
        if organization.can_resubmit:
            organization.form = _resubmit_form(organization)
    return render(request, "accounts/organization_status.html", {
        "organizations": organizations, "can_register": bool(_kinds_open_to(request.user)),
    })


def _resubmit_form(organization, data=None):
    initial = {name: getattr(organization, name)
               for name in registration.REGISTRATION_FIELDS}
    form = OrganizationRegistrationForm(data, initial={**initial, "kind": organization.kind},
                                        kinds=[organization.kind],
                                        prefix=f"org{organization.pk}")
    form.fields["kind"].widget = form.fields["kind"].hidden_widget()
    del form.fields["logo"]  # the profile page changes the logo of a registered organisation
    return form


@login_required
@require_POST
def organization_resubmit(request, pk):
    organization = get_object_or_404(people.organizations_of(request.user), pk=pk)
    form = _resubmit_form(organization, request.POST)
    if form.is_valid():
        try:
            registration.resubmit_organization(actor=request.user, organization=organization,
                                               **form.service_data())
        except ValidationError as exc:
            form.add_service_error(exc)
        except TransitionNotAllowed:
            messages.error(request, _("This organisation is not waiting for corrections."))
            return redirect("organization-status")
        else:
            messages.success(request, _("Sent to the operator again."))
            return redirect("organization-status")
    organization = _with_names(organization)
    organization.can_resubmit, organization.form = True, form
    return render(request, "accounts/organization_status.html", {
        "organizations": [organization], "can_register": False}, status=400)


def _require_operator(user):
    if not people.is_operator(user):
        raise PermissionDenied(_("Only operator staff verify organisations."))


@login_required
def organization_queue(request):
    _require_operator(request.user)
    shown = request.GET.get("status") if request.GET.get("status") in QUEUE_FILTERS \
        else "pending"
    organizations = people.organizations_awaiting_verification()
    if shown != "all":
        organizations = organizations.filter(status=shown)
    rows = [_with_names(organization) for organization in organizations[:200]]
    for organization in rows:
        organization.applicant = people.applicant_of(organization)
    counts = {status: people.organizations_awaiting_verification().filter(status=status)
              .count() for status in (S.PENDING, S.REJECTED)}
    return render(request, "accounts/organization_queue.html", {
        "organizations": rows, "shown": shown, "counts": counts,
    })


def _decide(request, pk, decide, success):
    _require_operator(request.user)
    organization = get_object_or_404(Organization, pk=pk)
    form = OrganizationDecisionForm(request.POST)
    form.is_valid()
    try:
        decide(actor=request.user, organization=organization,
               reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except TransitionNotAllowed:
        messages.error(request, _("%(name)s was already decided (it is now “%(status)s”): "
                                  "nothing was changed.") % {
            "name": organization.display_name,
            "status": Organization.objects.get(pk=pk).get_status_display()})
    else:
        messages.success(request, success % {"name": organization.display_name})
    return redirect("organization-queue")


@login_required
@require_POST
def organization_verify(request, pk):
    return _decide(request, pk, registration.verify_organization, _("%(name)s is verified."))


@login_required
@require_POST
def organization_reject(request, pk):
    return _decide(request, pk, registration.reject_organization,
                   _("%(name)s was rejected; its admins were told why."))

# A logo's address names its stored file (a new logo, a new address): cache it for a year.
LOGO_MAX_AGE = 365 * 24 * 3600


@require_safe
def organization_logo(request, pk, token):
    """Logos are public (they are on cards and vendor pages), unlike every other stored
    file; still never sniffed into another type, never run as a document."""
    organization = get_object_or_404(Organization.objects.only("logo"), pk=pk)
    if not organization.logo or organization.logo_token != token:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type_of(organization.logo.name))
    response["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Content-Disposition"] = "inline"
    return response
