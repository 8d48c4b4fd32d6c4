"""The attachment check: every file attached to the solution is still what was accepted.

The upload already refuses bad files; this re-verifies them at each submission, because the
limits may have changed since, a file may have been lost or altered in storage, and a live
listing's attachments are evidence for the revision now under review."""

from django.utils.translation import gettext_noop

from catalog.attachments import inspect_stored
from catalog.models import Attachment, CheckResult, SolutionRevision

from . import CheckOutcome, register


def attachments(subject, content):
    solution_id = subject.solution_id if isinstance(subject, SolutionRevision) else subject.pk
    # One query for all of them; the rest is reading files.
    stored = list(Attachment.objects.filter(solution_id=solution_id))
    invalid = []
    for attachment in stored:
        report = inspect_stored(attachment)
        if report.problems:
            invalid.append({
                "id": attachment.pk,
                "title": attachment.title or attachment.original_name,
                "name": attachment.original_name,
                "content_type": report.content_type,
                "problems": report.problems,
            })
    if invalid:
        severity, message = CheckResult.Severity.ERROR, gettext_noop(
            "Some attachments are not valid")
    elif stored:
        severity, message = CheckResult.Severity.OK, gettext_noop("Attachments valid")
    else:
        severity, message = CheckResult.Severity.OK, gettext_noop("No attachments")
    return CheckOutcome(
        code="attachments",
        passed=not invalid,
        severity=severity,
        score=round(1 - len(invalid) / len(stored), 3) if stored else None,
        message=message,
        details={"checked": len(stored), "invalid": invalid},
        flags_for_second_approval=bool(invalid),
    )


register("attachments", attachments)
