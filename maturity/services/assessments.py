"""An enterprise's self-assessment: start (or continue), save progress, complete."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.outbox import emit

from ..models import SATISFACTION_VALUES, Answer, Assessment, MaturityModel, Statement, SubDomain
from ..results import domain_scores
from ..scoring import score_assessment, specs_for
from ..workflow import check_assessment
from .access import require_enterprise_member

OPEN = Assessment.Status.IN_PROGRESS


def current_model():
    model = MaturityModel.objects.filter(is_current=True).first()
    if model is None:
        raise ValidationError(_("No maturity model is loaded yet; ask the operator."))
    return model


def _locked(assessment):
    return (Assessment.objects.select_for_update(of=("self",)).select_related("model")
            .defer("model__source").get(pk=assessment.pk))


@transaction.atomic
def start_assessment(*, actor, enterprise):
    """The enterprise's open assessment, or a new one on the current model.
    Returns (assessment, created)."""
    require_enterprise_member(actor, enterprise)
    existing = Assessment.objects.filter(enterprise=enterprise, status=OPEN).first()
    if existing is not None:
        return existing, False
    model = current_model()
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(enterprise=enterprise, model=model,
                                                   started_by=actor)
    except IntegrityError:
        # Two members pressed start at once: the other one's assessment is the open one.
        return Assessment.objects.get(enterprise=enterprise, status=OPEN), False
    emit("assessment.started", assessment, enterprise_id=enterprise.pk,
         model_version=model.version)
    return assessment, True


def _parse_value(raw):
    if raw is None or raw == "":
        return None
    try:
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return False
    return value if value in SATISFACTION_VALUES else False


@transaction.atomic
def save_progress(*, actor, assessment, answers=None, not_applicable=None):
    """Save some answers and not-applicable marks of an open assessment.

    `answers`: {statement code: 0 / 0.5 / 0.8 / 1, or None to clear}; `not_applicable`:
    {sub-domain code: bool}. Codes are those of the assessment's own model version."""
    require_enterprise_member(actor, assessment.enterprise)
    assessment = _locked(assessment)
    if assessment.status != OPEN:
        raise ValidationError(_("This assessment is completed; start a new one to change "
                                "answers."))
    answers, not_applicable = dict(answers or {}), dict(not_applicable or {})
    statements = {s.code: s for s in Statement.objects.filter(
        subdomain__model=assessment.model, code__in=list(answers))}
    subdomains = {s.code: s for s in SubDomain.objects.filter(
        model=assessment.model, code__in=list(not_applicable))}
    errors = {}
    unknown = sorted(set(answers) - set(statements))
    if unknown:
        errors["answers"] = [_("Unknown statements for this model version: %(codes)s")
                             % {"codes": ", ".join(unknown)}]
    bad = sorted(code for code, raw in answers.items() if _parse_value(raw) is False)
    if bad:
        errors.setdefault("answers", []).append(
            _("Answer with 0, 0.5, 0.8 or 1: %(codes)s") % {"codes": ", ".join(bad)})
    unknown = sorted(set(not_applicable) - set(subdomains))
    if unknown:
        errors["not_applicable"] = [_("Unknown sub-domains for this model version: "
                                      "%(codes)s") % {"codes": ", ".join(unknown)}]
    if errors:
        raise ValidationError(errors)

    now = timezone.now()
    values = {code: _parse_value(raw) for code, raw in answers.items()}
    cleared = [statements[code].pk for code, value in values.items() if value is None]
    if cleared:
        Answer.objects.filter(assessment=assessment, statement_id__in=cleared).delete()
    Answer.objects.bulk_create(
        [Answer(assessment=assessment, statement=statements[code], value=value,
                answered_by=actor, updated_at=now)
         for code, value in values.items() if value is not None],
        update_conflicts=True, unique_fields=["assessment", "statement"],
        update_fields=["value", "answered_by", "updated_at"],
    )
    marked = [subdomains[code] for code, flag in not_applicable.items() if flag]
    unmarked = [subdomains[code] for code, flag in not_applicable.items() if not flag]
    assessment.not_applicable.add(*marked)
    assessment.not_applicable.remove(*unmarked)
    # Saving progress is frequent and private, so it writes no outbox event; updated_at
    # records the activity (it counts towards an enterprise being active).
    assessment.save(update_fields=["updated_at"])
    return assessment


def unanswered_subdomains(assessment, specs=None, answered=None, excluded=None):
    """Codes of the applicable sub-domains with at least one unanswered statement."""
    specs = specs if specs is not None else specs_for(assessment.model)
    answered = answered if answered is not None else set(
        assessment.answers.values_list("statement_id", flat=True))
    excluded = excluded if excluded is not None else set(
        assessment.not_applicable.values_list("code", flat=True))
    return [spec.code for spec in specs if spec.code not in excluded
            and any(key not in answered for items in spec.statements.values()
                    for key, _weight in items)]


def _decimal(fraction, places):
    return (Decimal(fraction.numerator) / Decimal(fraction.denominator)).quantize(
        Decimal(places), rounding=ROUND_HALF_UP)


def _rounded(fraction, places="0.0001"):
    return None if fraction is None else float(_decimal(fraction, places))


def result_payload(assessment, scored, excluded):
    """What a completed assessment keeps of its scoring, for pages and the API."""
    subdomains = SubDomain.objects.filter(model=assessment.model).select_related("domain")
    payload = {
        "model_version": assessment.model.version,
        "level_scores": {str(level): _rounded(value)
                         for level, value in scored.level_scores.items()},
        "subdomains": {
            code: {"level": item.level, "score": _rounded(item.score, "0.01"),
                   "satisfaction": {str(level): _rounded(value)
                                    for level, value in item.satisfaction.items()}}
            for code, item in scored.subdomains.items()
        },
        "not_applicable": sorted(excluded),
    }
    payload["domains"] = domain_scores(subdomains, payload["subdomains"])
    return payload


@transaction.atomic
def complete_assessment(*, actor, assessment):
    """Score the assessment (maturity.scoring) and make it the enterprise's level."""
    require_enterprise_member(actor, assessment.enterprise)
    assessment = _locked(assessment)
    check_assessment(assessment, actor)
    specs = specs_for(assessment.model)
    answers = dict(assessment.answers.values_list("statement_id", "value"))
    excluded = set(assessment.not_applicable.values_list("code", flat=True))
    if all(spec.code in excluded for spec in specs):
        raise ValidationError(_("Mark at least one sub-domain as applicable."))
    missing = unanswered_subdomains(assessment, specs, set(answers), excluded)
    if missing:
        names = dict(SubDomain.objects.filter(model=assessment.model, code__in=missing)
                     .values_list("code", "name_en"))
        raise ValidationError(
            _("Answer every statement of the applicable sub-domains first: %(names)s")
            % {"names": ", ".join(names.get(code, code) for code in missing)})
    scored = score_assessment(specs, answers, excluded)
    Assessment.objects.filter(enterprise=assessment.enterprise, is_latest=True).update(
        is_latest=False)
    assessment.status = Assessment.Status.COMPLETED
    assessment.level = scored.level
    assessment.score = _decimal(scored.score, "0.01")
    assessment.result = result_payload(assessment, scored, excluded)
    assessment.is_latest = True
    assessment.completed_at = timezone.now()
    assessment.completed_by = actor
    assessment.save()
    emit("assessment.completed", assessment, enterprise_id=assessment.enterprise_id,
         level=assessment.level, score=str(assessment.score))
    return assessment
