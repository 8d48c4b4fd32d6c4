import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import OutboxEvent


class Notification(models.Model):
    """An entry in a person's inbox."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    topic = models.CharField(max_length=100)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True, default="")
    link = models.CharField(max_length=500, blank=True, default="")
    event = models.ForeignKey(OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True)
    # Asked to be emailed; whether and when depends on the recipient's preference.
    email_requested = models.BooleanField(default=False)
    digested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A re-dispatched event never notifies the same person twice.
            models.UniqueConstraint(
                fields=["event", "recipient"], name="notification_once_per_event_recipient"
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.title}"

    @property
    def is_unread(self):
        return self.read_at is None


class NotificationPreference(models.Model):
    """How a person wants their notifications by email. Without a row: immediately.

    The inbox always gets every notification; this only decides the email. `daily_since`
    is when the person chose the digest: notifications from before were already emailed
    (or, with "off", were not meant to be), so the digest starts there."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately, one email per notification")
        DAILY_DIGEST = "daily_digest", _("Once a day, in a digest")
        OFF = "off", _("Never: the inbox only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("email notifications"), max_length=16, choices=Email.choices, default=Email.IMMEDIATE
    )
    daily_since = models.DateTimeField(null=True, blank=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: {self.email}"


class WebhookSubscription(models.Model):
    """An organisation's endpoint for the events it may see, signed with its own secret.

    The secret is stored as it is, not hashed: every delivery is signed with it
    (HMAC-SHA256), so the platform must be able to read it, unlike an API key, which it only
    has to recognise. It is shown to the organisation once, when created or rotated; keep
    database access and backups as guarded as for any credential."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    url = models.URLField(_("URL"), max_length=500)
    topics = models.JSONField(_("topics"), default=list)
    description = models.CharField(_("description"), max_length=200, blank=True, default="")
    secret = models.CharField(max_length=100)

    class DisabledReason(models.TextChoices):
        FAILURES = "failures", _("Deliveries kept failing")
        GONE = "gone", _("The endpoint answered 410 Gone")
        MANUAL = "manual", _("Disabled by an administrator")

    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(
        max_length=16, choices=DisabledReason.choices, blank=True, default=""
    )
    disabled_at = models.DateTimeField(null=True, blank=True)
    # Deliveries in a row that failed after all their attempts; a success resets it.
    consecutive_failures = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook subscription")

    def __str__(self):
        return f"{self.organization}: {self.url}"

    def wants(self, topic):
        return topic in self.topics


class WebhookDelivery(models.Model):
    """One event for one subscription. Its `uuid` is sent as X-Zhizao-Delivery and stays the
    same across retries and redeliveries, so a receiver can recognise a repeat."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    PING = "ping"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(
        OutboxEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    # A manual redelivery starts a new series of attempts with a fresh retry budget.
    series = models.PositiveIntegerField(default=1)
    attempts_in_series = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            # A re-dispatched event never creates a second delivery to the same endpoint.
            models.UniqueConstraint(
                fields=["subscription", "event"],
                name="webhook_delivery_once_per_event",
                condition=models.Q(event__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.topic} → {self.subscription_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery, as it went."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    series = models.PositiveIntegerField(default=1)
    number = models.PositiveIntegerField()
    succeeded = models.BooleanField(default=False)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True, default="")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "series", "number"], name="webhook_attempt_unique_number"
            ),
        ]

    def __str__(self):
        return f"{self.delivery_id} #{self.series}.{self.number}: {self.status_code or self.error}"
