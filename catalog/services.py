"""Writes and business rules for solutions: editing, revisions, submission, checks, review
decisions.

Review subjects are a new listing (Solution) or a change to a live one (SolutionRevision);
both go through the same decisions here and the same transitions in catalog.workflow. This
module is the top of the catalog's own layers: it uses revisions (content snapshots), the
workflow and the checks, none of which imports it back; catalog.tasks queues its work."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people
from accounts.models import Organization
from core.outbox import emit

from . import limits, revisions, sla, workflow
from .models import (
    CaseStudy,
    CaseStudyOutcome,
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
)
from .reasons import active_reasons_for

S = SolutionStatus
M2M_FIELDS = tuple(revisions.RELATIONS)


def _require_vendor_member(actor, vendor):
    if vendor.kind != Organization.Kind.VENDOR:
        raise PermissionDenied(_("Only solution providers publish solutions."))
    if not (actor.is_superuser or people.is_member(actor, vendor)):
        raise PermissionDenied(_("You are not a member of this solution provider."))


def _validate_solution_fields(solution, *, bulk=False):
    try:
        solution.full_clean(exclude=["vendor", "created_by", "reviewer", "first_approved_by"],
                            validate_unique=not bulk, validate_constraints=not bulk)
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from exc
    validate_content({name: getattr(solution, name) for name in
                      ("price_min_cny", "price_max_cny", "maturity_from", "maturity_to")})


def validate_content(content):
    """Invariants of solution content, whether in a solution or a proposed revision."""
    errors = {}
    low, high = content.get("maturity_from"), content.get("maturity_to")
    if low is not None and high is not None and low > high:
        errors["maturity_to"] = [_("Must not be below the starting level.")]
    pmin, pmax = content.get("price_min_cny"), content.get("price_max_cny")
    if pmin is not None and pmax is not None and float(pmin) > float(pmax):
        errors["price_max_cny"] = [_("Must not be below the minimum price.")]
    if errors:
        raise ValidationError(errors)


def check_caps(data):
    """The lists of solution content input within catalog.limits, whichever door it came
    through (texts are held by the models' validators in full_clean)."""
    errors = {}
    for name, limit in limits.RELATIONS_MAX.items():
        limits.check_count(errors, name, data.get(name), limit)
    studies = data.get("case_studies")
    limits.check_count(errors, "case_studies", studies, limits.CASE_STUDIES_MAX)
    for i, study in enumerate(studies or []):
        limits.check_count(errors, f"case_studies[{i}].outcomes", study.get("outcomes"),
                           limits.OUTCOMES_PER_CASE_STUDY_MAX)
        limits.check_length(errors, f"case_studies[{i}].summary", study.get("summary"),
                            limits.CASE_STUDY_TEXT_MAX_CHARS)
    limits.raise_if(errors)


def write_content(solution, data, *, bulk=False):
    """Write validated content (model fields, taxonomy objects or their keys, case studies)
    to `solution`.

    `bulk`: for a caller writing a batch it has checked as a whole (the catalog import: each
    ref once in its file, upserted by ref). The fields and the content rules are checked as
    always; the table's unique and check constraints are left to the database rather than
    asked one query (and savepoint) each, which would make a large import several times
    slower. The check constraints repeat validate_content, which still runs."""
    data = dict(data)
    relations = {name: data.pop(name) for name in M2M_FIELDS if name in data}
    case_studies = data.pop("case_studies", None)
    for field, value in data.items():
        setattr(solution, field, value)
    _validate_solution_fields(solution, bulk=bulk)
    is_new = solution.pk is None
    solution.save()
    for name, values in relations.items():
        if is_new:  # no relations yet to read back and compare: add them straight
            getattr(solution, name).add(*values)
        else:
            getattr(solution, name).set(values)
    if case_studies is not None:
        replace_case_studies(solution, case_studies)
    return solution


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


@transaction.atomic
def create_solution(*, actor, vendor, data):
    """A new draft for `vendor`. `data` holds model fields, taxonomy objects for the
    relations and optionally `case_studies` (dicts with `outcomes`)."""
    _require_vendor_member(actor, vendor)
    check_caps(data)
    solution = Solution(vendor=vendor, created_by=actor, status=S.DRAFT)
    return write_content(solution, data)


@transaction.atomic
def update_solution(*, actor, solution, data):
    """Edit a draft in place. A live listing is changed through a revision instead
    (`propose_change`), so the published version stays as it is during review."""
    _require_vendor_member(actor, solution.vendor)
    if solution.status not in workflow.EDITABLE_STATUSES:
        raise workflow.not_allowed(solution, S.DRAFT)
    check_caps(data)
    return write_content(solution, data)


@transaction.atomic
def propose_change(*, actor, solution, data):
    """Edit a live solution: the change goes into its open revision (made if needed); the
    published version stays as it is until a reviewer approves the revision."""
    _require_vendor_member(actor, solution.vendor)
    if solution.status != S.PUBLISHED:
        raise workflow.not_allowed(solution, S.PUBLISHED)
    check_caps(data)
    solution = Solution.objects.select_for_update().get(pk=solution.pk)
    revision = revisions.open_revision(solution)
    if revision is not None and revision.status not in {RevisionStatus.DRAFT,
                                                        RevisionStatus.CHANGES_REQUESTED}:
        raise workflow.not_allowed(revision, RevisionStatus.DRAFT)
    base = revision.base if revision else revisions.snapshot(solution)
    proposed = {**(revision.data if revision else base), **revisions.snapshot_of_input(data)}
    validate_content(proposed)
    if revision is None:
        number = (solution.revisions.order_by("-number").values_list("number", flat=True)
                  .first() or 0) + 1
        revision = SolutionRevision.objects.create(
            solution=solution, number=number, base=base, data=proposed, created_by=actor
        )
    else:
        revision.data = proposed
        revision.save(update_fields=["data", "updated_at"])
    return revision


def _apply_revision(revision, actor):
    """Swap an approved revision into the live solution (inside the approving transaction)."""
    solution = revision.solution
    write_content(solution, revisions.input_from_snapshot(revision.data))
    revision.applied_at = timezone.now()
    revision.save(update_fields=["applied_at"])
    emit("solution.updated", solution, vendor_id=solution.vendor_id, revision=revision.number,
         actor_id=getattr(actor, "pk", None))


def submission_problems(content):
    """Everything that stops a submission, as machine-readable codes with messages."""
    problems = []

    def problem(code, field, message):
        problems.append({"code": code, "field": field, "message": message})

    if not (content.get("title_en") or content.get("title_zh")):
        problem("missing_title", "title", _("Give the solution a title."))
    if not (content.get("summary_en") or content.get("summary_zh")):
        problem("missing_summary", "summary", _("Add a short summary."))
    if not (content.get("description_en") or content.get("description_zh")):
        problem("missing_description", "description", _("Describe the solution."))
    if not content.get("scenarios"):
        problem("missing_scenario", "scenarios", _("Tag at least one scenario of the guide."))
    if not content.get("industries"):
        problem("missing_industry", "industries", _("Name at least one industry served."))
    for i, study in enumerate(content.get("case_studies") or []):
        for j, outcome in enumerate(study.get("outcomes") or []):
            if outcome.get("before") == outcome.get("after"):
                problem("outcome_unchanged", f"case_studies[{i}].outcomes[{j}]",
                        _("An outcome's figure after must differ from before."))
    return problems


def validate_submission(subject):
    return submission_problems(revisions.content_of(subject))


def _submit(actor, subject):
    _require_vendor_member(actor, subject.vendor)
    problems = validate_submission(subject)
    if problems:
        errors = {}
        for p in problems:
            errors.setdefault(p["field"], []).append(p["message"])
        raise ValidationError(errors, code="incomplete")
    # The transition writes `solution.submitted` (or `revision.submitted`) to the outbox; the
    # pre-checks are its consumer (catalog.consumers), so nothing here reaches the broker.
    workflow.transition(subject, S.SUBMITTED, actor)
    return subject


@transaction.atomic
def submit_solution(*, actor, solution):
    """Send a draft (or a changed draft) to review; the pre-checks follow its event."""
    return _submit(actor, solution)


@transaction.atomic
def submit_revision(*, actor, revision):
    return _submit(actor, revision)


@transaction.atomic
def withdraw_revision(*, actor, revision):
    return workflow.transition(revision, RevisionStatus.WITHDRAWN, actor)


def run_prechecks(kind, subject_id):
    """The automated checks on a submission, then assignment and the move into review.

    The checks (some reach the network: links, the search cluster) run before the row is
    locked; their results are upserted once per submission. Idempotent: a re-delivered task
    finds the subject no longer submitted and does nothing."""
    from .checks import run_checks

    model = SolutionRevision if kind == "revision" else Solution
    subject = model.objects.filter(pk=subject_id, status=S.SUBMITTED).first()
    if subject is None:
        return None
    results = run_checks(subject)
    with transaction.atomic():
        subject = model.objects.select_for_update().filter(pk=subject_id).first()
        if subject is None or subject.status != S.SUBMITTED:
            return None
        subject.needs_second_approval = any(r.flags_for_second_approval for r in results)
        subject.reviewer = least_loaded_reviewer(subject.vendor)
        subject.review_due_at = sla.review_due_at(timezone.now())
        subject.save(update_fields=["needs_second_approval", "reviewer", "review_due_at"])
        workflow.transition(subject, S.IN_REVIEW, None)
    return subject


def least_loaded_reviewer(vendor, exclude=()):
    """The eligible reviewer with the fewest open reviews; never one from the vendor.

    Each reviewer's open reviews are counted in subqueries of their own (joining both kinds
    of assignment at once would count the product of the two)."""
    open_states = [S.SUBMITTED, S.IN_REVIEW]

    def open_count(model):
        return Coalesce(
            Subquery(
                model.objects.filter(reviewer=OuterRef("pk"), status__in=open_states)
                .order_by()
                .values("reviewer")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        )

    return (
        people.reviewers()
        .exclude(memberships__organization=vendor)
        .exclude(pk__in=[user.pk for user in exclude])
        .annotate(open_solutions=open_count(Solution), open_revisions=open_count(SolutionRevision))
        .order_by("open_solutions", "open_revisions", "pk")
        .first()
    )


@transaction.atomic
def reassign_reviewer(*, actor, subject, reviewer):
    """An operator admin hands a review to another eligible reviewer."""
    if not people.is_operator_admin(actor) or people.is_member(actor, subject.vendor):
        raise PermissionDenied(_("Only operator admins outside the vendor reassign reviews."))
    if subject.status not in workflow.REVIEW_STATUSES:
        raise workflow.not_allowed(subject, subject.status)
    if not people.is_reviewer(reviewer) or people.is_member(reviewer, subject.vendor):
        raise ValidationError({"reviewer": [_("Choose a reviewer from outside the vendor.")]})
    subject.reviewer = reviewer
    subject.reminded_at = None
    subject.save(update_fields=["reviewer", "reminded_at"])
    from .deadlines import deadline_payload

    emit("review.reassigned", subject, actor_id=actor.pk, **deadline_payload(subject))
    return subject


def _validate_reasons(subject, to_status, reason_codes, comment):
    if to_status not in workflow.allowed_transitions(subject):
        raise workflow.not_allowed(subject, to_status)  # a 409 before any 400
    errors = {}
    allowed = set(active_reasons_for(to_status).values_list("code", flat=True))
    unknown = sorted(set(reason_codes) - allowed)
    if unknown:
        errors["reason_codes"] = [_("Unknown or inapplicable reasons: %(codes)s")
                                  % {"codes": ", ".join(unknown)}]
    elif not reason_codes:
        errors["reason_codes"] = [_("Choose at least one reason.")]
    if not comment.strip():
        errors["comment"] = [_("Tell the vendor why.")]
    if errors:
        raise ValidationError(errors)


# Decisions: `seen_submitted_at` is the submitted_at of the submission the reviewer read.
# The API and the decision page always send it, so a decision never lands on content the
# reviewer did not see (workflow.StaleSubmission, 409); in-process callers (commands, tests)
# that load the subject and decide at once may leave it out.


def check_decision(*, actor, subject, to_status):
    """Refuse a decision the actor may not take (409 not in review, 403 not a reviewer
    from outside the vendor) before its input is read."""
    workflow.check_transition(subject, to_status, actor)


@transaction.atomic
def approve(*, actor, subject, comment="", seen_submitted_at=None):
    """Approve a submission. A flagged one needs two different reviewers; the second
    approval publishes a new listing, or applies a revision to the live listing."""
    if subject.needs_second_approval and subject.first_approved_by_id is None:
        return workflow.record_first_approval(subject, actor, comment=comment,
                                              seen_submitted_at=seen_submitted_at)
    if subject.first_approved_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("A second, different reviewer must approve this."))
    workflow.transition(subject, S.APPROVED, actor, comment=comment,
                        seen_submitted_at=seen_submitted_at)
    if isinstance(subject, Solution):
        workflow.transition(subject, S.PUBLISHED, actor)
    else:
        _apply_revision(subject, actor)  # in this transaction, under the transition's lock
    return subject


@transaction.atomic
def request_changes(*, actor, subject, comment, reason_codes=(), seen_submitted_at=None):
    _validate_reasons(subject, S.CHANGES_REQUESTED, reason_codes, comment)
    return workflow.transition(subject, S.CHANGES_REQUESTED, actor, comment=comment,
                               reason_codes=reason_codes, seen_submitted_at=seen_submitted_at)


@transaction.atomic
def reject(*, actor, subject, comment, reason_codes=(), seen_submitted_at=None):
    _validate_reasons(subject, S.REJECTED, reason_codes, comment)
    return workflow.transition(subject, S.REJECTED, actor, comment=comment,
                               reason_codes=reason_codes, seen_submitted_at=seen_submitted_at)


def archive_solution(*, actor, solution, comment=""):
    return workflow.transition(solution, S.ARCHIVED, actor, comment=comment)
