"""Writes about the message threads between an enterprise and the vendors it asked for quotes:
posting (with files), who opens a file, and operator staff reading a thread for a dispute
(logged)."""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import selectors as people
from catalog import limits as catalog_limits
from catalog.attachments import inspect_file
from core.outbox import emit

from .. import limits
from ..models import Message, MessageAccessLog, MessageAttachment, MessageThread

MESSAGE_MAX_ATTACHMENTS = limits.MESSAGE_ATTACHMENTS_MAX


def _party_of(actor, request, vendor):
    """The organisation `actor` speaks for in the thread between `request` and `vendor`."""
    if people.is_member(actor, request.enterprise):
        return request.enterprise
    if people.is_member(actor, vendor):
        return vendor
    raise PermissionDenied(_("Only the enterprise and the vendor of a thread write in it."))


def _inspected(files):
    """Each upload's FileReport, refusing the lot (on `attachments`) if one is not acceptable:
    the same rules as solutions' attachments, the type read from the content."""
    if len(files) > MESSAGE_MAX_ATTACHMENTS:
        raise ValidationError({"attachments": [
            _("At most %(n)d files per message.") % {"n": MESSAGE_MAX_ATTACHMENTS}
        ]})
    reports, problems = [], []
    for upload in files:
        report = inspect_file(upload, upload.size)
        name = Path(upload.name or "").name
        problems.extend(f"{name}: {message}" for message in report.messages())
        reports.append(report)
    if problems:
        raise ValidationError({"attachments": problems})
    return reports


@transaction.atomic
def post_message(*, actor, request, vendor, body, files=()):
    """Write in the thread between the asking enterprise and one invited vendor, optionally
    with files (a message may be files alone)."""
    if not request.vendors.filter(pk=vendor.pk).exists():
        raise PermissionDenied(_("This vendor was not asked for a quote."))
    author_organization = _party_of(actor, request, vendor)
    body = (body or "").strip()
    files = list(files)
    if not body and not files:
        raise ValidationError({"body": [_("Write a message.")]})
    catalog_limits.require_length("body", body, limits.MESSAGE_BODY_MAX_CHARS)
    reports = _inspected(files)
    thread, _created = MessageThread.objects.get_or_create(request=request, vendor=vendor)
    message = Message.objects.create(thread=thread, author=actor,
                                     author_organization=author_organization, body=body)
    for upload, report in zip(files, reports, strict=True):
        original_name = Path(upload.name or "").name[:255] or f"attachment.{report.extension}"
        attachment = MessageAttachment(message=message, original_name=original_name,
                                       content_type=report.content_type, size=report.size)
        # The stored name's extension follows the content, never the uploaded name.
        stem = Path(original_name).stem[:80] or "attachment"
        attachment.file.save(f"{stem}.{report.extension}", upload, save=False)
        attachment.save()
    recipient = vendor if author_organization.pk == request.enterprise_id else request.enterprise
    emit("message.posted", message, thread_id=thread.pk, request_id=request.pk,
         recipient_id=recipient.pk, attachments=len(files))
    return message


def is_party_to(user, thread):
    return (people.is_member(user, thread.request.enterprise)
            or people.is_member(user, thread.vendor))


@transaction.atomic
def open_message_attachment(*, actor, attachment, reason=""):
    """Who may download a message's file: the thread's two parties, and operator staff for a
    dispute, saying why; each operator download is logged like a dispute reading. Anyone else
    is refused (views answer 404: the file does not exist for them)."""
    thread = attachment.message.thread
    if is_party_to(actor, thread):
        return attachment
    if not people.is_operator(actor):
        raise PermissionDenied(_("Only the two parties of a thread open its files."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say which dispute this download is for.")]})
    catalog_limits.require_length("reason", reason, limits.REASON_MAX_CHARS)
    MessageAccessLog.objects.create(thread=thread, operator=actor, reason=reason,
                                    attachment=attachment)
    emit("message.thread_read", thread, operator_id=actor.pk, reason=reason,
         attachment_id=attachment.pk)
    return attachment


@transaction.atomic
def read_thread_for_dispute(*, actor, thread, reason):
    """Operator staff read a thread they are not party to; the access and reason are logged."""
    if not people.is_operator(actor):
        raise PermissionDenied(_("Only operator staff read threads for disputes."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say which dispute this reading is for.")]})
    catalog_limits.require_length("reason", reason, limits.REASON_MAX_CHARS)
    MessageAccessLog.objects.create(thread=thread, operator=actor, reason=reason)
    emit("message.thread_read", thread, operator_id=actor.pk, reason=reason)
    return (thread.messages.select_related("author_organization")
            .prefetch_related("attachments").order_by("created_at", "pk"))
