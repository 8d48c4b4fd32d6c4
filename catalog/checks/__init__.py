"""Automated pre-checks run on every submission (see run_checks).

A check is a function `check(subject, content) -> CheckOutcome`, registered with `register`.
Checks of this app are registered by the modules of this package (content, links,
attachments), which CatalogConfig.ready() imports (this module never imports them: they
import it); other apps add theirs from their AppConfig.ready() (search registers the
near-duplicate check), so catalog imports none of them.
"""

import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_noop

from catalog import revisions
from catalog.models import CheckResult, Solution, SolutionRevision
from catalog.selectors import submission_number

logger = logging.getLogger(__name__)

_registry = {}

STORED_FIELDS = ("revision", "passed", "severity", "score", "message", "details")


@dataclass
class CheckOutcome:
    code: str
    passed: bool
    severity: str = CheckResult.Severity.OK
    score: float | None = None
    message: str = ""
    details: dict = field(default_factory=dict)
    # Passed or not, this result asks for a second reviewer's approval.
    flags_for_second_approval: bool = False


def register(code, check):
    _registry[code] = check


def unregister(code):
    _registry.pop(code, None)


def registered_checks():
    return dict(_registry)


def _crashed(code, exc):
    return CheckOutcome(
        code=code,
        passed=False,
        severity=CheckResult.Severity.ERROR,
        message=gettext_noop("The check could not run; a reviewer should look at this "
                             "aspect by hand."),
        details={"error": type(exc).__name__},
    )


def _run_one(code, check, subject, content):
    """One check's outcome. A check that raises becomes an error result of its own rather
    than stopping the others; the savepoint undoes whatever it left half-done, so on
    PostgreSQL the surrounding transaction stays usable after a database error."""
    try:
        with transaction.atomic():
            outcome = check(subject, content)
        if not isinstance(outcome, CheckOutcome):
            raise TypeError(f"returned {type(outcome).__name__}, not a CheckOutcome")
    except Exception as exc:
        logger.exception("pre-check %r failed on %r", code, subject)
        return _crashed(code, exc)
    outcome.code = code  # stored under the code it was registered with
    return outcome


def _submitted_content(subject):
    """What the checks look at. A listing's snapshot reads every relation and each case
    study's outcomes: they are fetched at once, on a fresh copy (what is stored now, not what
    an earlier read cached), so the queries do not grow with the case studies."""
    if isinstance(subject, SolutionRevision):
        return revisions.content_of(subject)
    return revisions.content_of(
        Solution.objects.prefetch_related(*revisions.SNAPSHOT_PREFETCH).get(pk=subject.pk))


def run_checks(subject):
    """Run every registered check on a submitted solution or revision and store the results
    for this submission (once each: a re-run updates them).

    Queries do not grow with the content: the snapshot's relations are prefetched, each
    check reads what it needs in a fixed number of queries, and the results are written in
    one upsert keyed by (solution, submission, code)."""
    solution = subject.solution if isinstance(subject, SolutionRevision) else subject
    revision = subject if isinstance(subject, SolutionRevision) else None
    number = submission_number(solution)
    content = _submitted_content(subject)
    outcomes = [
        _run_one(code, check, subject, content) for code, check in registered_checks().items()
    ]
    CheckResult.objects.bulk_create(
        [
            CheckResult(
                solution=solution,
                revision=revision,
                submission=number,
                code=outcome.code,
                passed=outcome.passed,
                severity=outcome.severity,
                score=outcome.score,
                message=outcome.message,
                details=outcome.details,
            )
            for outcome in outcomes
        ],
        update_conflicts=True,
        unique_fields=["solution", "submission", "code"],
        update_fields=list(STORED_FIELDS),
    )
    return outcomes
