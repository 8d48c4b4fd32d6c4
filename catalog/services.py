"""Writes and business rules for solutions: editing, submission, checks, review decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Organization

from . import workflow
from .models import CaseStudy, CaseStudyOutcome, CheckResult, Solution, SolutionStatus

S = SolutionStatus
M2M_FIELDS = ("scenarios", "stages", "industries", "technologies", "regions")


def _require_vendor_member(actor, vendor):
    if vendor.kind != Organization.Kind.VENDOR:
        raise PermissionDenied(_("Only solution providers publish solutions."))
    if not (actor.is_superuser or people.is_member(actor, vendor)):
        raise PermissionDenied(_("You are not a member of this solution provider."))


def _validate_solution_fields(solution):
    try:
        solution.full_clean(exclude=["vendor", "created_by", "reviewer"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    if (
        solution.price_min_cny is not None
        and solution.price_max_cny is not None
        and solution.price_min_cny > solution.price_max_cny
    ):
        raise ValidationError({"price_max_cny": [_("Must not be below the minimum price.")]})
    if solution.maturity_from > solution.maturity_to:
        raise ValidationError({"maturity_to": [_("Must not be below the starting level.")]})


def _apply(solution, data):
    relations = {name: data.pop(name) for name in M2M_FIELDS if name in data}
    case_studies = data.pop("case_studies", None)
    for field, value in data.items():
        setattr(solution, field, value)
    _validate_solution_fields(solution)
    solution.save()
    for name, values in relations.items():
        getattr(solution, name).set(values)
    if case_studies is not None:
        replace_case_studies(solution, case_studies)
    return solution


@transaction.atomic
def create_solution(*, actor, vendor, data):
    """A new draft for `vendor`. `data` holds model fields, taxonomy objects for the
    relations and optionally `case_studies` (dicts with `outcomes`)."""
    _require_vendor_member(actor, vendor)
    solution = Solution(vendor=vendor, created_by=actor, status=S.DRAFT)
    return _apply(solution, dict(data))


@transaction.atomic
def update_solution(*, actor, solution, data):
    _require_vendor_member(actor, solution.vendor)
    if solution.status not in workflow.EDITABLE_STATUSES:
        raise workflow.TransitionNotAllowed(solution, S.DRAFT)
    return _apply(solution, dict(data))


def replace_case_studies(solution, case_studies):
    solution.case_studies.all().delete()
    for position, study in enumerate(case_studies):
        study = dict(study)
        outcomes = study.pop("outcomes", [])
        case_study = CaseStudy.objects.create(solution=solution, position=position, **study)
        CaseStudyOutcome.objects.bulk_create(
            CaseStudyOutcome(case_study=case_study, position=i, **outcome)
            for i, outcome in enumerate(outcomes)
        )


def submission_problems(solution):
    """Everything that stops a submission, as machine-readable codes with messages."""
    problems = []

    def problem(code, field, message):
        problems.append({"code": code, "field": field, "message": message})

    if not (solution.title_en or solution.title_zh):
        problem("missing_title", "title", _("Give the solution a title."))
    if not (solution.summary_en or solution.summary_zh):
        problem("missing_summary", "summary", _("Add a short summary."))
    if not (solution.description_en or solution.description_zh):
        problem("missing_description", "description", _("Describe the solution."))
    if not solution.scenarios.exists():
        problem("missing_scenario", "scenarios", _("Tag at least one scenario of the guide."))
    if not solution.industries.exists():
        problem("missing_industry", "industries", _("Name at least one industry served."))
    return problems


def completeness(solution):
    """Score in [0, 1] over what a reviewer hopes to see, and the items that are missing."""
    items = {
        "title_en": bool(solution.title_en),
        "title_zh": bool(solution.title_zh),
        "summary": bool(solution.summary_en or solution.summary_zh),
        "description": bool(solution.description_en or solution.description_zh),
        "scenarios": solution.scenarios.exists(),
        "industries": solution.industries.exists(),
        "technologies": solution.technologies.exists(),
        "regions": solution.regions.exists(),
        "price_range": solution.price_min_cny is not None and solution.price_max_cny is not None,
        "delivery_weeks": solution.delivery_weeks is not None,
        "case_study": solution.case_studies.exists(),
        "case_study_outcomes": CaseStudyOutcome.objects.filter(
            case_study__solution=solution
        ).exists(),
    }
    missing = [name for name, present in items.items() if not present]
    return 1 - len(missing) / len(items), missing


@transaction.atomic
def submit_solution(*, actor, solution):
    """Send a draft (or a changed solution) to review; the pre-checks run after commit."""
    _require_vendor_member(actor, solution.vendor)
    problems = submission_problems(solution)
    if problems:
        raise ValidationError({p["field"]: [p["message"]] for p in problems}, code="incomplete")
    workflow.transition(solution, S.SUBMITTED, actor)
    transaction.on_commit(lambda: _schedule_prechecks(solution.pk))
    return solution


def _schedule_prechecks(solution_id):
    from .tasks import run_prechecks

    run_prechecks.delay(solution_id)


def submission_number(solution):
    return solution.review_events.filter(to_status=S.SUBMITTED).count()


def run_prechecks(solution_id):
    """The automated checks on a submission, then assignment and the move into review.

    Idempotent: a re-delivered task finds the solution no longer submitted and does nothing,
    and results are stored once per submission."""
    with transaction.atomic():
        solution = Solution.objects.select_for_update().filter(pk=solution_id).first()
        if solution is None or solution.status != S.SUBMITTED:
            return None
        number = submission_number(solution)
        score, missing = completeness(solution)
        CheckResult.objects.update_or_create(
            solution=solution,
            submission=number,
            code="completeness",
            defaults={"passed": score >= 0.5, "score": round(score, 3),
                      "details": {"missing": missing}},
        )
        reviewer = least_loaded_reviewer(solution)
        if reviewer is not None:
            solution.reviewer = reviewer
            solution.save(update_fields=["reviewer"])
        workflow.transition(solution, S.IN_REVIEW, None)
    return solution


def least_loaded_reviewer(solution):
    """The eligible reviewer with the fewest open reviews; never one from the vendor."""
    return (
        people.reviewers()
        .exclude(memberships__organization=solution.vendor)
        .annotate(
            open_reviews=Count(
                "assigned_reviews",
                filter=Q(assigned_reviews__status__in=[S.SUBMITTED, S.IN_REVIEW]),
            )
        )
        .order_by("open_reviews", "pk")
        .first()
    )


@transaction.atomic
def approve_solution(*, actor, solution, comment=""):
    """Approve and publish: the solution enters the catalog and the search index."""
    workflow.transition(solution, S.APPROVED, actor, comment=comment)
    return workflow.transition(solution, S.PUBLISHED, actor)


def request_changes(*, actor, solution, comment, reason_codes=()):
    return workflow.transition(
        solution, S.CHANGES_REQUESTED, actor, comment=comment, reason_codes=reason_codes
    )


def reject_solution(*, actor, solution, comment, reason_codes=()):
    return workflow.transition(
        solution, S.REJECTED, actor, comment=comment, reason_codes=reason_codes
    )


def archive_solution(*, actor, solution, comment=""):
    return workflow.transition(solution, S.ARCHIVED, actor, comment=comment)
