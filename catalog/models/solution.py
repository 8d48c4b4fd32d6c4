from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog import limits
from catalog.limits import capped_text
from catalog.markdown import render_markdown

from .taxonomy import (
    Industry,
    LifecycleStage,
    Region,
    Scenario,
    Technology,
    in_reader_language,
)

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
SUMMARY_MAX, DESCRIPTION_MAX = limits.SUMMARY_MAX_CHARS, limits.DESCRIPTION_MAX_CHARS


class SolutionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class ReviewTracking(models.Model):
    """Where something under review stands: who reviews it, by when, what was sent about it.

    Shared by a new listing (Solution) and a change to a live one (SolutionRevision)."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_%(class)ss",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    review_due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Flagged by the pre-checks: a second, different reviewer must approve too.
    needs_second_approval = models.BooleanField(default=False)
    first_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class Solution(ReviewTracking):
    """A vendor's scenario-based solution. Its status changes only through catalog.workflow."""

    class Language(models.TextChoices):
        EN = "en", _("English")
        ZH = "zh", _("Chinese")

    class Deployment(models.TextChoices):
        ON_PREMISE = "on_premise", _("On premise")
        CLOUD = "cloud", _("Cloud")
        HYBRID = "hybrid", _("Hybrid")

    Status = SolutionStatus

    vendor = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="solutions",
        limit_choices_to={"kind": Organization.Kind.VENDOR},
    )
    external_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    language = models.CharField(
        _("original language"), max_length=2, choices=Language.choices, default=Language.ZH
    )
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True, default="")
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True, default="")
    summary_en = capped_text(SUMMARY_MAX, _("summary (English)"), blank=True, default="")
    summary_zh = capped_text(SUMMARY_MAX, _("summary (Chinese)"), blank=True, default="")
    description_en = capped_text(DESCRIPTION_MAX, _("description (English, markdown)"),
                                 blank=True, default="")
    description_zh = capped_text(DESCRIPTION_MAX, _("description (Chinese, markdown)"),
                                 blank=True, default="")
    scenarios = models.ManyToManyField(Scenario, related_name="solutions", blank=True)
    stages = models.ManyToManyField(
        LifecycleStage,
        related_name="solutions",
        blank=True,
        help_text=_("Stages beyond those its scenarios imply."),
    )
    industries = models.ManyToManyField(Industry, related_name="solutions", blank=True)
    technologies = models.ManyToManyField(Technology, related_name="solutions", blank=True)
    regions = models.ManyToManyField(Region, related_name="solutions", blank=True)
    maturity_from = models.PositiveSmallIntegerField(default=1, validators=LEVEL_VALIDATORS)
    maturity_to = models.PositiveSmallIntegerField(default=5, validators=LEVEL_VALIDATORS)
    deployment = models.CharField(
        max_length=16, choices=Deployment.choices, default=Deployment.HYBRID
    )
    price_min_cny = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_max_cny = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    delivery_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=SolutionStatus.choices, default=SolutionStatus.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maturity_from__gte=1, maturity_to__lte=5)
                & Q(maturity_from__lte=models.F("maturity_to")),
                name="solution_maturity_range_valid",
            ),
            models.CheckConstraint(
                condition=Q(price_min_cny__isnull=True)
                | Q(price_max_cny__isnull=True)
                | Q(price_min_cny__lte=models.F("price_max_cny")),
                name="solution_price_range_valid",
            ),
        ]

    def __str__(self):
        return self.title or f"Solution #{self.pk}"

    @property
    def title(self):
        return in_reader_language(self.title_en, self.title_zh)

    @property
    def summary(self):
        return in_reader_language(self.summary_en, self.summary_zh)

    @property
    def description_html(self):
        return render_markdown(in_reader_language(self.description_en, self.description_zh))

    @property
    def is_published(self):
        return self.status == SolutionStatus.PUBLISHED
    def all_stages(self):
        """Stages implied by the scenarios plus those chosen explicitly."""
        return LifecycleStage.objects.filter(
            Q(scenarios__solutions=self) | Q(solutions=self)
        ).distinct()


class CaseStudy(models.Model):
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="case_studies")
    client = models.CharField(_("client"), max_length=200)
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, null=True, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True)
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    summary = capped_text(limits.CASE_STUDY_TEXT_MAX_CHARS, _("summary"), blank=True,
                          default="")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["solution", "position", "id"]
        verbose_name_plural = _("case studies")

    def __str__(self):
        return f"{self.client} ({self.year or '—'})"


class CaseStudyOutcome(models.Model):
    """One measured result of a case study: a metric before and after, in a unit."""

    case_study = models.ForeignKey(CaseStudy, on_delete=models.CASCADE, related_name="outcomes")
    metric = models.CharField(_("metric"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, blank=True, default="")
    before = models.DecimalField(max_digits=16, decimal_places=4)
    after = models.DecimalField(max_digits=16, decimal_places=4)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["case_study", "position", "id"]

    def __str__(self):
        return f"{self.metric}: {self.before} → {self.after} {self.unit}"

    @property
    def change_percent(self):
        if not self.before:
            return None
        return (self.after - self.before) / abs(self.before) * 100
