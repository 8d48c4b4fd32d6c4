"""Requests for quotes, vendors' quotes with their line items and versions, and vendors'
proposals on public needs."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.limits import capped_text
from catalog.models import Solution

from .. import limits
from .needs import Need


class QuoteRequest(models.Model):
    """One request for quotes from an enterprise to one or several vendors."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed")
        EXPIRED = "expired", _("Expired")

    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="quote_requests_sent"
    )
    need = models.ForeignKey(
        Need, on_delete=models.SET_NULL, null=True, blank=True, related_name="quote_requests"
    )
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="quote_requests"
    )
    vendors = models.ManyToManyField(Organization, related_name="quote_requests_received")
    title = models.CharField(_("title"), max_length=200)
    requirements = capped_text(limits.REQUIREMENTS_MAX_CHARS, _("requirements"), blank=True,
                               default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


def validity_over(valid_until, today=None):
    """The quote-expiry rule, written once: a quote holds through its `valid_until` day and has
    expired from the next (the local date). QuoteQuerySet.expired says the same in SQL."""
    return valid_until < (today or timezone.localdate())


class QuoteQuerySet(models.QuerySet):
    def expired(self, today=None):
        """The quotes whose validity is over by `today` (validity_over, as a filter)."""
        return self.filter(valid_until__lt=today or timezone.localdate())


class Quote(models.Model):
    """A vendor's answer to a quote request; the total is computed from its line items."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        REVISED = "revised", _("Revised")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="quotes")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="quotes")
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    total_cny = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    delivery_weeks = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    terms = capped_text(limits.QUOTE_TERMS_MAX_CHARS, blank=True, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    version = models.PositiveSmallIntegerField(default=1)
    decline_reason = capped_text(limits.REASON_MAX_CHARS, blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["request", "total_cny"]
        constraints = [
            models.UniqueConstraint(fields=["request", "vendor"], name="quote_one_per_vendor"),
        ]

    def __str__(self):
        return f"Quote {self.pk} by {self.vendor} ({self.total_cny} CNY)"

    def is_expired(self, today=None):
        return validity_over(self.valid_until, today)


class QuoteLineItem(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="line_items")
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=30, blank=True, default="")
    quantity = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    unit_price_cny = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["quote", "position", "id"]

    def __str__(self):
        return self.description

    @property
    def amount_cny(self):
        return (self.quantity * self.unit_price_cny).quantize(Decimal("0.01"))


class QuoteVersion(models.Model):
    """A snapshot of a quote as the vendor sent it: the first submission and every revision.

    Append-only, so the enterprise can see what changed and the accepted terms stay provable."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField()
    total_cny = models.DecimalField(max_digits=14, decimal_places=2)
    delivery_weeks = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    terms = models.TextField(blank=True, default="")
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    line_items = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["quote", "version"]
        constraints = [
            models.UniqueConstraint(fields=["quote", "version"], name="quote_version_unique"),
        ]

    def __str__(self):
        return f"Quote {self.quote_id} v{self.version}"


class Proposal(models.Model):
    """A vendor's answer to a public need, citing one of its published solutions."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="proposals")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="proposals")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="proposals")
    message = capped_text(limits.PROPOSAL_MESSAGE_MAX_CHARS, _("message"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["need", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["need", "vendor"], name="proposal_one_per_vendor"),
        ]

    def __str__(self):
        return f"{self.vendor} → {self.need}"
