"""Attachments: the documents a vendor adds to a solution as evidence (brochures, case
reports, certificates). Uploading and deleting them, who sees them, and the inspection of a
file that both the upload and the attachment pre-check use.

When a vendor may change them:
- on a draft, or one sent back for changes: they are part of what will be reviewed;
- on a published listing, as evidence for its next revision. A live listing's content only
  changes through an approved revision, so an attachment added after the listing's latest
  approval is shown to the vendor and operator staff only, and is re-verified by the
  pre-checks when the next revision is submitted; once that revision is approved, everyone
  sees it. Deleting one from a live listing takes effect at once: withdrawing evidence
  (say, a file posted by mistake) adds no unreviewed claim.
- never while the listing or a revision of it is submitted or in review: reviewers judge
  what was submitted.
"""

from dataclasses import dataclass, field
from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pypdf import PdfReader

from accounts import selectors as people
from accounts.models import Organization

from . import limits
from .models import Attachment, RevisionStatus, Solution, SolutionRevision, SolutionStatus
from .workflow import EDITABLE_STATUSES

S = SolutionStatus
# filetype recognises every allowed type within this many leading bytes.
SNIFF_BYTES = 8192
UNDER_REVIEW = (S.SUBMITTED, S.IN_REVIEW, S.APPROVED)
REVISION_UNDER_REVIEW = (RevisionStatus.SUBMITTED, RevisionStatus.IN_REVIEW)

PROBLEMS = {
    "missing_file": gettext_lazy("The stored file is missing or cannot be read."),
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than the limit of %(limit)s MB."),
    "type_not_allowed": gettext_lazy(
        "This kind of file (%(type)s) is not accepted. Accepted: %(allowed)s."),
    "pdf_encrypted": gettext_lazy("The PDF is password-protected: reviewers cannot open it."),
    "pdf_unreadable": gettext_lazy("The PDF cannot be opened: it is damaged or incomplete."),
    "pdf_no_pages": gettext_lazy("The PDF has no pages."),
}


@dataclass
class FileReport:
    """What a file is by its bytes, and what is wrong with it (codes of PROBLEMS)."""

    content_type: str = ""
    extension: str = ""
    size: int = 0
    problems: list[str] = field(default_factory=list)

    def messages(self):
        values = {
            "limit": round(settings.ATTACHMENT_MAX_BYTES / (1024 * 1024), 1),
            "type": self.content_type or _("unknown"),
            "allowed": ", ".join(_short_name(mime) for mime in settings.ATTACHMENT_ALLOWED_TYPES),
        }
        return [str(PROBLEMS[code]) % values for code in self.problems]


def _short_name(mime):
    kind = filetype.get_type(mime=mime)
    return kind.extension if kind else mime


def inspect_file(fileobj, size):
    """Type from the content (never the name or the browser's claim), size within the
    limit, and for a PDF that it opens, unencrypted, with at least one page. `fileobj` is
    read from its start and left there."""
    report = FileReport(size=size)
    if size == 0:
        report.problems.append("empty")
        return report
    if size > settings.ATTACHMENT_MAX_BYTES:
        report.problems.append("too_large")
        return report
    fileobj.seek(0)
    kind = filetype.guess(fileobj.read(SNIFF_BYTES))
    fileobj.seek(0)
    if kind is not None:
        report.content_type, report.extension = kind.mime, kind.extension
    if report.content_type not in settings.ATTACHMENT_ALLOWED_TYPES:
        report.problems.append("type_not_allowed")
    elif report.content_type == "application/pdf":
        report.problems.extend(_pdf_problems(fileobj))
        fileobj.seek(0)
    return report


def _pdf_problems(fileobj):
    try:
        reader = PdfReader(fileobj)
        if reader.is_encrypted:
            return ["pdf_encrypted"]
        if len(reader.pages) < 1:
            return ["pdf_no_pages"]
    # pypdf raises many kinds of errors on damaged files (its own, ValueError, KeyError,
    # RecursionError…); whichever it is, the PDF does not open.
    except Exception:
        return ["pdf_unreadable"]
    return []


def inspect_stored(attachment):
    """The same inspection for a stored attachment (the pre-check)."""
    try:
        with attachment.file.open("rb") as stored:
            return inspect_file(stored, attachment.file.size)
    except OSError:
        return FileReport(problems=["missing_file"])


def _require_vendor_member(actor, solution):
    vendor = solution.vendor
    if vendor.kind != Organization.Kind.VENDOR or not (
        actor.is_superuser or people.is_member(actor, vendor)
    ):
        raise PermissionDenied(_("Only the solution provider's members change its attachments."))


def _require_not_under_review(solution):
    if solution.status in UNDER_REVIEW or solution.revisions.filter(
        status__in=REVISION_UNDER_REVIEW
    ).exists():
        raise ValidationError(
            {"solution": [_("Attachments cannot change while the solution is in review.")]}
        )


@transaction.atomic
def upload_attachment(*, actor, solution, file, title=""):
    """Attach `file` (an uploaded file) to `solution` as `actor`, a member of its vendor.
    Refused with a ValidationError on `file` when it is empty, too large, of a type not in
    settings.ATTACHMENT_ALLOWED_TYPES (by content) or a PDF that does not open."""
    _require_vendor_member(actor, solution)
    if solution.status not in {*EDITABLE_STATUSES, S.PUBLISHED}:
        raise ValidationError({"solution": [
            _("Attachments are added to drafts, solutions sent back for changes, or "
              "published solutions (as evidence for their next revision).")
        ]})
    _require_not_under_review(solution)
    # The solution's row is locked so that two uploads at once cannot both take the last place.
    Solution.objects.select_for_update().only("pk").get(pk=solution.pk)
    if solution.attachments.count() >= limits.ATTACHMENTS_PER_SOLUTION_MAX:
        raise ValidationError({"solution": [
            _("A solution has at most %(limit)d attachments; remove one first.")
            % {"limit": limits.ATTACHMENTS_PER_SOLUTION_MAX}
        ]})
    title = (title or "").strip()
    if len(title) > Attachment._meta.get_field("title").max_length:
        raise ValidationError({"title": [_("The title is too long.")]})
    report = inspect_file(file, file.size)
    if report.problems:
        raise ValidationError({"file": report.messages()})
    original_name = Path(file.name or "").name[:255] or f"attachment.{report.extension}"
    attachment = Attachment(
        solution=solution,
        original_name=original_name,
        title=title,
        content_type=report.content_type,
        size=report.size,
        uploaded_by=actor,
    )
    # Stored under a random name (models.attachment_path) whose extension follows the
    # content, so it never claims another type; original_name is for display only.
    attachment.file.save(f"attachment.{report.extension}", file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, actor, attachment):
    """Remove an attachment and, once the deletion is committed, its file."""
    solution = attachment.solution
    _require_vendor_member(actor, solution)
    _require_not_under_review(solution)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


def attachments_visible_to(user):
    """Attachments a user may see: all for operator staff; their own vendor's for its
    members; for everyone else those of published solutions, as of their latest approval
    (one added to a live listing since waits for its next revision's approval)."""
    qs = Attachment.objects.select_related("uploaded_by")
    if people.is_operator(user):
        return qs
    latest_applied = (
        SolutionRevision.objects.filter(solution=OuterRef("solution"), applied_at__isnull=False)
        .order_by("-applied_at")
        .values("applied_at")[:1]
    )
    published = F("solution__published_at")
    # Greatest() of a NULL is NULL on SQLite but not on PostgreSQL: Coalesce makes both agree.
    approved_at = Coalesce(Greatest(Subquery(latest_applied), published),
                           Subquery(latest_applied), published)
    visible = Q(solution__status=S.PUBLISHED, created_at__lte=approved_at)
    if user.is_authenticated:
        visible |= people.in_organizations_of(user, "solution__vendor", Organization.Kind.VENDOR)
    return qs.filter(visible)
