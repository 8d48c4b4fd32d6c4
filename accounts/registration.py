"""Writes of an organisation's registration and verification, and the one check the apps
above make before a verified-only act (publishing, a public need, a quote).

A signed-in person registers a solution provider or an enterprise: it starts pending, owned
by them. Operators verify or reject it (with a reason); a rejected applicant corrects it and
sends it again. Every move goes through accounts.workflow (409 on a stale state). Region and
industry codes are checked against the catalog's taxonomy through accounts.taxonomy.

Who may register: a person (not an API key's service account) who belongs to no
organisation of that kind yet, pending or not. One person acts for one organisation of each
kind (accounts.selectors.primary_organization); a second organisation of the same kind
would leave them unable to choose which they act for. Someone who should join an existing
organisation is invited by its admins instead."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.outbox import emit

from . import logos, taxonomy, workflow
from . import selectors as people
from .models import Membership, Organization

S = Organization.Status
REGISTRABLE_KINDS = (Organization.Kind.VENDOR, Organization.Kind.ENTERPRISE)
REGISTRABLE_KIND_CHOICES = [(kind.value, kind.label) for kind in REGISTRABLE_KINDS]
# What an applicant fills in, and may correct while the organisation is not yet verified.
REGISTRATION_FIELDS = ("name", "name_zh", "credit_code", "region", "industry", "size",
                       "website", "description")
REASON_MAX_CHARS = 2000

AWAITING = gettext_lazy("Your organisation is awaiting verification by the operator.")
NOT_ACCEPTED = gettext_lazy("Your organisation's registration was not accepted by the "
                            "operator: correct it and send it again.")


class NotVerified(PermissionDenied):
    """A verified-only act by an organisation that is pending or rejected (403)."""


def require_verified(organization):
    """Refuse (403, in a sentence) what only a verified organisation may do."""
    if organization.status == S.PENDING:
        raise NotVerified(str(AWAITING))
    if organization.status != S.VERIFIED:
        raise NotVerified(str(NOT_ACCEPTED))


def check_may_register(actor, kind):
    if not people.is_person(actor):
        raise PermissionDenied(_("Sign in as a person to register an organisation."))
    if kind not in REGISTRABLE_KINDS:
        raise ValidationError({"kind": [_("Choose solution provider or enterprise.")]})
    if Membership.objects.filter(user=actor, organization__kind=kind).exists():
        raise PermissionDenied(_("You already belong to an organisation of this kind."))


def _check_fields(fields):
    """What registration adds to the model's checks (a name, a code, known taxonomy codes),
    as {field: [message]}; normalises `fields` in place."""
    errors = {}
    fields["name"] = (fields.get("name") or "").strip()
    fields["name_zh"] = (fields.get("name_zh") or "").strip()
    if not (fields["name"] or fields["name_zh"]):
        errors["name"] = [_("Give the organisation's name in Chinese or English (or both).")]
    if not (fields.get("credit_code") or "").strip():
        errors["credit_code"] = [_("Give the organisation's unified social credit code.")]
    region, industry = fields.get("region") or "", fields.get("industry") or ""
    if not region:
        errors["region"] = [_("Choose the region where the organisation is registered.")]
    elif region not in dict(taxonomy.region_choices()):
        errors["region"] = [_("Unknown region: %(code)s.") % {"code": region}]
    if industry and industry not in dict(taxonomy.industry_choices()):
        errors["industry"] = [_("Unknown industry: %(code)s.") % {"code": industry}]
    # The model's field stays required; an organisation named only in Chinese is shown so.
    fields["name"] = fields["name"] or fields["name_zh"]
    return errors


def _full_clean(organization, errors=None):
    """The model's own checks, with `errors` found before: every wrong field at once."""
    errors = dict(errors or {})
    try:
        organization.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)


def _known(fields):
    unknown = sorted(set(fields) - set(REGISTRATION_FIELDS))
    if unknown:
        raise ValueError(f"Not registration fields: {', '.join(unknown)}")
    return {name: ("" if value is None else value) for name, value in fields.items()}


@transaction.atomic
def register_organization(*, actor, kind, logo=None, **fields):
    """A pending organisation of `kind` owned by `actor`, with its logo when one is given
    (checked by its bytes, accounts.logos); emits `organization.registered`."""
    check_may_register(actor, kind)
    fields = _known(fields)
    errors = _check_fields(fields)
    if logo:
        try:
            extension = logos.checked_extension(logo)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    organization = Organization(kind=kind, status=S.PENDING, **fields)
    _full_clean(organization, errors)
    _save_once_per_code(organization)
    if logo:
        organization.logo.save(f"logo.{extension}", logo, save=False)
        organization.save(update_fields=["logo"])
    Membership.objects.create(user=actor, organization=organization,
                              role=Membership.Role.OWNER)
    emit("organization.registered", organization, kind=kind)
    return organization


def _save_once_per_code(organization):
    """Save; two registrations of one code at the same moment both pass clean(), and the
    database's constraint refuses the second: said in words, not a 500."""
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError as exc:
        raise ValidationError({"credit_code": [_(
            "Another organisation of this kind is already registered with this unified "
            "social credit code. If it is yours, ask its administrator to invite you."
        )]}) from exc


def _locked(organization):
    return Organization.objects.select_for_update().get(pk=organization.pk)


def _decide(organization, to_status, actor, reason):
    organization.status = to_status
    organization.status_reason = reason
    organization.status_changed_at = timezone.now()
    organization.save(update_fields=["status", "status_reason", "status_changed_at",
                                     "updated_at"])
    emit(f"organization.{to_status}", organization, kind=organization.kind)
    return organization


@transaction.atomic
def verify_organization(*, actor, organization, reason=""):
    """An operator confirms a pending organisation; emits `organization.verified`."""
    organization = _locked(organization)
    workflow.check(organization, S.VERIFIED, actor)
    return _decide(organization, S.VERIFIED, actor, (reason or "").strip())


@transaction.atomic
def reject_organization(*, actor, organization, reason):
    """An operator turns a pending organisation down, saying why (shown to its admins);
    emits `organization.rejected`."""
    reason = (reason or "").strip()
    organization = _locked(organization)
    workflow.check(organization, S.REJECTED, actor)
    if not reason:
        raise ValidationError({"reason": [_("Tell the applicant why, so they can correct it.")]})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": [
            _("At most %(n)d characters.") % {"n": REASON_MAX_CHARS}]})
    return _decide(organization, S.REJECTED, actor, reason)


@transaction.atomic
def resubmit_organization(*, actor, organization, **fields):
    """The applicant's owners or admins correct a rejected organisation and send it back to
    the operators (pending again); emits `organization.registered` with `resubmitted`."""
    organization = _locked(organization)
    workflow.check(organization, S.PENDING, actor)
    current = {name: getattr(organization, name) for name in REGISTRATION_FIELDS}
    fields = {**current, **_known(fields)}
    errors = _check_fields(fields)
    for name, value in fields.items():
        setattr(organization, name, value)
    organization.status = S.PENDING
    organization.status_changed_at = timezone.now()
    _full_clean(organization, errors)
    _save_once_per_code(organization)
    emit("organization.registered", organization, kind=organization.kind, resubmitted=True)
    return organization
