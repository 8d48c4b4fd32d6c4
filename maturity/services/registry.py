"""The smart-factory registry: enterprises register factories with evidence; operators
verify or reject them. A tier needs a minimum maturity level (catalog.FactoryTier). Status
changes go through maturity.workflow (409 for an illegal move, 403 for a wrong role)."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import FactoryTier
from core.outbox import emit

from ..evidence import checked_upload, stored_name
from ..models import FactoryEvidence, SmartFactory
from ..selectors import latest_assessment_of
from ..workflow import check_factory
from .access import require_enterprise_member, require_operator

S = SmartFactory.Status


def required_level(tier, tiers=None):
    """The lowest maturity level a factory of `tier` needs, or None.

    The taxonomy gives a minimum for some tiers (basic: 2, excellent: 3). A higher tier
    never asks less than a lower one, so a tier without its own minimum inherits the
    highest minimum below it (advanced: 2, leading: 3)."""
    tiers = tiers if tiers is not None else FactoryTier.objects.all()
    minimums = [t.min_maturity_level for t in tiers
                if t.position <= tier.position and t.min_maturity_level is not None]
    return max(minimums, default=None)


def check_tier(enterprise, tier):
    """The assessment that qualifies `enterprise` for `tier`; ValidationError if none does."""
    needed = required_level(tier)
    assessment = latest_assessment_of(enterprise)
    if needed is None:
        return assessment
    if assessment is None:
        raise ValidationError({"tier": [
            _("A %(tier)s needs a completed maturity assessment at level %(level)d or "
              "above; complete your self-assessment first.")
            % {"tier": tier.name, "level": needed}
        ]})
    if assessment.level < needed:
        raise ValidationError({"tier": [
            _("A %(tier)s needs maturity level %(level)d or above; your latest assessment "
              "is at level %(current)d.")
            % {"tier": tier.name, "level": needed, "current": assessment.level}
        ]})
    return assessment


def _check_fields(enterprise, name, year, exclude_pk=None):
    errors = {}
    if not name.strip():
        errors["name"] = [_("Give the factory a name.")]
    elif SmartFactory.objects.filter(enterprise=enterprise, name=name.strip()).exclude(
        pk=exclude_pk
    ).exists():
        errors["name"] = [_("Your enterprise already registered a factory of this name.")]
    if not (2015 <= year <= timezone.localdate().year):
        errors["year"] = [_("Give a year between 2015 and this year.")]
    if errors:
        raise ValidationError(errors)


def _attach(factory, upload, title, actor):
    content_type, size = checked_upload(upload)
    document = FactoryEvidence(
        factory=factory, original_name=PurePath(upload.name).name[:255],
        title=title[:200], content_type=content_type, size=size, uploaded_by=actor,
    )
    document.file.save(stored_name(content_type), upload, save=False)
    document.save()
    return document


@transaction.atomic
def register_factory(*, actor, enterprise, name, region, industry, tier, year, evidence=()):
    """Register a factory at a tier, with evidence documents ((upload, title) pairs)."""
    require_enterprise_member(actor, enterprise)
    _check_fields(enterprise, name, year)
    assessment = check_tier(enterprise, tier)
    factory = SmartFactory.objects.create(
        enterprise=enterprise, name=name.strip(), region=region, industry=industry, tier=tier,
        year=year, assessment=assessment, registered_by=actor,
    )
    for upload, title in evidence:
        _attach(factory, upload, title, actor)
    emit("factory.registered", factory, enterprise_id=enterprise.pk, tier=tier.code)
    return factory


@transaction.atomic
def add_evidence(*, actor, factory, upload, title=""):
    require_enterprise_member(actor, factory.enterprise)
    factory = SmartFactory.objects.select_for_update().get(pk=factory.pk)
    if factory.status == S.VERIFIED:
        raise ValidationError(_("This factory is verified; its evidence is closed."))
    document = _attach(factory, upload, title, actor)
    emit("factory.evidence_added", factory, enterprise_id=factory.enterprise_id,
         evidence_id=document.pk)
    return document


@transaction.atomic
def resubmit_factory(*, actor, factory):
    """A rejected factory goes back to the operators, after the enterprise added evidence
    or raised its level."""
    require_enterprise_member(actor, factory.enterprise)
    factory = (SmartFactory.objects.select_for_update(of=("self",)).select_related("tier")
               .get(pk=factory.pk))
    check_factory(factory, S.PENDING, actor)
    factory.assessment = check_tier(factory.enterprise, factory.tier)
    factory.status = S.PENDING
    factory.save(update_fields=["assessment", "status", "updated_at"])
    emit("factory.registered", factory, enterprise_id=factory.enterprise_id,
         tier=factory.tier.code, resubmitted=True)
    return factory


@transaction.atomic
def verify_factory(*, actor, factory, note=""):
    """An operator confirms the factory's tier; the tier's level rule is checked again
    against the enterprise's level now."""
    require_operator(actor)
    factory = (SmartFactory.objects.select_for_update(of=("self",))
               .select_related("tier", "enterprise").get(pk=factory.pk))
    check_factory(factory, S.VERIFIED, actor)
    if not factory.evidence.exists():
        raise ValidationError(_("A factory needs at least one evidence document to be "
                                "verified."))
    factory.assessment = check_tier(factory.enterprise, factory.tier)
    factory.status = S.VERIFIED
    factory.decided_by = actor
    factory.decided_at = timezone.now()
    factory.review_note = note
    factory.save()
    emit("factory.verified", factory, enterprise_id=factory.enterprise_id,
         tier=factory.tier.code)
    return factory


@transaction.atomic
def reject_factory(*, actor, factory, note):
    require_operator(actor)
    if not note.strip():
        raise ValidationError({"note": [_("Tell the enterprise why.")]})
    factory = SmartFactory.objects.select_for_update().get(pk=factory.pk)
    check_factory(factory, S.REJECTED, actor)
    factory.status = S.REJECTED
    factory.review_note = note.strip()
    factory.decided_by = actor
    factory.decided_at = timezone.now()
    factory.save()
    emit("factory.rejected", factory, enterprise_id=factory.enterprise_id)
    return factory
