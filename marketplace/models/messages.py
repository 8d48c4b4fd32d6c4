"""The threads between an enterprise and each vendor it asked for quotes, their messages and
files, and operator staff's logged readings for disputes."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.limits import capped_text
from core.files import unguessable_name

from .. import limits
from .quotes import QuoteRequest


class MessageThread(models.Model):
    """The conversation about one request for quotes between the enterprise and one vendor."""

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="threads")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="threads")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "vendor"], name="thread_one_per_vendor"),
        ]

    def __str__(self):
        return f"{self.request} ↔ {self.vendor}"


class Message(models.Model):
    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    author_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+"
    )
    body = capped_text(limits.MESSAGE_BODY_MAX_CHARS, _("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["thread", "created_at", "id"]

    def __str__(self):
        return f"{self.author_organization}: {self.body[:40]}"


def message_attachment_path(instance, filename):
    # Never the thread's id nor the upload's name (core.files); the caller names the file
    # after its detected type, and original_name keeps what the sender called it.
    return unguessable_name("messages", Path(filename).suffix)


class MessageAttachment(models.Model):
    """A document sent with a message; only the thread's two parties (and operator staff, for
    a dispute, logged) download it."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=message_attachment_path, max_length=300)
    original_name = models.CharField(max_length=255)
    # Detected from the bytes, never from the name or the browser's claim.
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["message", "id"]

    def __str__(self):
        return self.original_name


class MessageAccessLog(models.Model):
    """Every time operator staff read a thread they are not party to (disputes), or download
    one of its attachments, and why."""

    thread = models.ForeignKey(MessageThread, on_delete=models.CASCADE,
                               related_name="access_logs")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = capped_text(limits.REASON_MAX_CHARS)
    # Set when the access was the download of one attachment rather than reading the thread.
    attachment = models.ForeignKey(MessageAttachment, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="access_logs")
    accessed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accessed_at", "-id"]

    def __str__(self):
        return f"{self.operator} read thread {self.thread_id}"
