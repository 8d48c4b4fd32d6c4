"""Automated pre-checks run on every submission (see run_checks).

A check is a function `check(subject, content) -> CheckOutcome`, registered with `register`.
Checks of this app are registered in catalog.checks.content; other apps add theirs from their
AppConfig.ready() (search registers the near-duplicate check), so catalog imports none of them.
"""

from dataclasses import dataclass, field

from django.db import transaction

from catalog.models import CheckResult, SolutionRevision

_registry = {}


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


def registered_checks():
    from . import content  # noqa: F401 - registers this app's own checks

    return dict(_registry)


def run_checks(subject):
    """Run every registered check on a submitted solution or revision and store the results
    for this submission (once each: a re-run updates them)."""
    from catalog.services import content_of, submission_number

    solution = subject.solution if isinstance(subject, SolutionRevision) else subject
    revision = subject if isinstance(subject, SolutionRevision) else None
    number = submission_number(solution)
    content = content_of(subject)
    outcomes = []
    with transaction.atomic():
        for code, check in registered_checks().items():
            outcome = check(subject, content)
            CheckResult.objects.update_or_create(
                solution=solution,
                submission=number,
                code=code,
                defaults={
                    "revision": revision,
                    "passed": outcome.passed,
                    "severity": outcome.severity,
                    "score": outcome.score,
                    "message": outcome.message,
                    "details": outcome.details,
                },
            )
            outcomes.append(outcome)
    return outcomes
