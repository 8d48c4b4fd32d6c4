"""The smart-factory registry: an enterprise's factories, their tier and the evidence."""

from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.models import FactoryTier, Industry, Region
from core.files import unguessable_name

from .assessment import Assessment


class SmartFactory(models.Model):
    """A factory an enterprise registers at a tier; counted once an operator verifies it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="smart_factories",
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    name = models.CharField(_("factory name"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("industry"))
    tier = models.ForeignKey(FactoryTier, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("tier"))
    year = models.PositiveSmallIntegerField(
        _("year recognised"), validators=[MinValueValidator(2015), MaxValueValidator(2100)]
    )
    # The completed assessment that met the tier's minimum level when last checked.
    assessment = models.ForeignKey(Assessment, on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    review_note = models.TextField(_("note"), blank=True, default="")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                      null=True, blank=True, related_name="+")
    # Who decided, and when: set by a verification and by a rejection alike, so neither
    # reads as "verified"; the status says which decision it was.
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = _("smart factories")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "name"],
                                    name="smartfactory_unique_name_per_enterprise"),
        ]
        indexes = [models.Index(fields=["status", "tier"], name="smartfactory_status_tier_idx")]

    def __str__(self):
        return self.name

    @property
    def is_verified(self):
        return self.status == self.Status.VERIFIED

    @property
    def verified_at(self):
        """When the factory was verified, or None: a rejection's time is no verification."""
        return self.decided_at if self.is_verified else None

    @property
    def status_tone(self):
        """The site's chip colour for the status."""
        return {"pending": "warning", "verified": "success", "rejected": "danger"}[self.status]


def evidence_path(instance, filename):
    # An unguessable name (core.files): evidence is served only through the
    # permission-checked view. The caller names the file after its detected type.
    return unguessable_name("maturity/evidence", PurePath(filename).suffix)


class FactoryEvidence(models.Model):
    """A document backing a factory's tier (recognition letter, assessment report, photos)."""

    factory = models.ForeignKey(SmartFactory, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    original_name = models.CharField(max_length=255)
    title = models.CharField(_("title"), max_length=200, blank=True, default="")
    # Detected from the bytes, never from the name or the browser's claim.
    content_type = models.CharField(max_length=100, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["factory", "created_at", "pk"]
        verbose_name_plural = _("factory evidence")

    def __str__(self):
        return self.title or self.original_name
