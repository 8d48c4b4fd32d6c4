"""An organisation's own profile page: its owners and admins edit it (through
accounts.services.update_organization), its members read it, nobody else sees it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts import services as accounts
from catalog.formsets import add_row_requested, with_added_row
from catalog.models import Region
from catalog.profile_forms import (
    FORMSET_LIMITS,
    CertificationFormSet,
    ContactFormSet,
    ProfileForm,
    certification_rows,
    contact_rows,
)


def _own_organization(user):
    """The vendor or enterprise the user acts for; 403 for anyone else."""
    for kind in ("vendor", "enterprise"):
        organization = people.primary_organization(user, kind)
        if organization is not None:
            return organization
    raise PermissionDenied(_("Only members of a solution provider or an enterprise have an "
                             "organisation profile."))


def _may_edit(user, organization):
    membership = user.membership_of(organization)
    return bool(membership and membership.is_admin)


@login_required
def organization_profile(request):
    organization = _own_organization(request.user)
    may_edit = _may_edit(request.user, organization)
    if request.method == "POST" and not may_edit:
        raise PermissionDenied(_("Only an owner or admin of the organisation edits its "
                                 "profile."))
    data = request.POST if request.method == "POST" else None
    for prefix, limit in FORMSET_LIMITS.items():
        if data is not None and add_row_requested(data, prefix):
            data = with_added_row(data, prefix, limit)
            adding = True
            break
    else:
        adding = False
    form = ProfileForm(data, request.FILES or None, organization=organization)
    certifications = contacts = None
    formsets = []
    if organization.is_vendor:  # what a buyer reads about a provider
        certifications = CertificationFormSet(data, prefix="certifications",
                                              initial=organization.certifications)
        contacts = ContactFormSet(data, prefix="contacts", initial=organization.contacts)
        formsets = [certifications, contacts]
    if data is not None and not adding and all(
            [form.is_valid(), *(formset.is_valid() for formset in formsets)]):
        changes = form.profile_data()
        if organization.is_vendor:
            changes["certifications"] = certification_rows(certifications)
            changes["contacts"] = contact_rows(contacts)
        try:
            accounts.update_organization(actor=request.user, organization=organization,
                                         **changes)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect("organization-profile")
    regions = {region.code: region for region in Region.objects.all()}
    return render(request, "catalog/organization_profile.html", {
        "organization": organization,
        "may_edit": may_edit,
        "form": form,
        "certifications": certifications,
        "contacts": contacts,
        "region": regions.get(organization.region),
        "service_regions": [regions[code] for code in organization.service_regions
                            if code in regions],
    })
