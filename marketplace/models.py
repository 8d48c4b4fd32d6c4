from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.models import (
    Industry,
    LifecycleStage,
    Region,
    Scenario,
    Solution,
)

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]


class EnterpriseProfile(models.Model):
    """What a manufacturer tells about itself: industry, size and declared maturity level."""

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="enterprise_profile"
    )
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    size = models.CharField(max_length=10, choices=Size.choices, blank=True, default="")
    maturity_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )

    def __str__(self):
        return f"Profile of {self.organization}"


class Need(models.Model):
    """What an enterprise wants to improve, in its words and in the taxonomy's terms."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    enterprise = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="needs",
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    external_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    language = models.CharField(max_length=2, choices=Solution.Language.choices, default="zh")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, default="")
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    stages = models.ManyToManyField(LifecycleStage, related_name="needs", blank=True)
    scenarios = models.ManyToManyField(Scenario, related_name="needs", blank=True)
    current_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    target_level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    budget_max_cny = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(current_level__isnull=True)
                | Q(target_level__isnull=True)
                | Q(current_level__lte=models.F("target_level")),
                name="need_target_not_below_current",
            ),
        ]

    def __str__(self):
        return self.title


class Match(models.Model):
    """A published solution ranked for a need, with the reasons in words."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="matches")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField()
    rank = models.PositiveSmallIntegerField()
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["need", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["need", "solution"], name="match_unique_need_solution")
        ]

    def __str__(self):
        return f"{self.need_id} ↔ {self.solution_id} ({self.score:.2f})"


class QuoteRequest(models.Model):
    """One request for quotes from an enterprise to one or several vendors."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed")

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
    requirements = models.TextField(_("requirements"), blank=True, default="")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class Quote(models.Model):
    """A vendor's answer to a quote request; the total is computed from its line items."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    request = models.ForeignKey(QuoteRequest, on_delete=models.CASCADE, related_name="quotes")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="quotes")
    solution = models.ForeignKey(
        Solution, on_delete=models.SET_NULL, null=True, blank=True, related_name="quotes"
    )
    total_cny = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    delivery_weeks = models.PositiveSmallIntegerField()
    valid_until = models.DateField()
    terms = models.TextField(blank=True, default="")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["request", "total_cny"]
        constraints = [
            models.UniqueConstraint(fields=["request", "vendor"], name="quote_one_per_vendor"),
        ]

    def __str__(self):
        return f"Quote {self.pk} by {self.vendor} ({self.total_cny} CNY)"


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
