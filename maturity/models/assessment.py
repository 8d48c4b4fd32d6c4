"""An enterprise's self-assessment against one version of the maturity model."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

from .framework import MaturityModel, Statement, SubDomain

# The standard's satisfaction scale for one statement.
SATISFACTION_CHOICES = [
    (Decimal("0.00"), _("Not met")),
    (Decimal("0.50"), _("Partly met")),
    (Decimal("0.80"), _("Mostly met")),
    (Decimal("1.00"), _("Fully met")),
]
SATISFACTION_VALUES = [value for value, _label in SATISFACTION_CHOICES]


class Assessment(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    enterprise = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="maturity_assessments",
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    model = models.ForeignKey(MaturityModel, on_delete=models.PROTECT,
                              related_name="assessments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    not_applicable = models.ManyToManyField(SubDomain, related_name="+", blank=True)
    # The result, set on completion by maturity.scoring.score_assessment.
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(5)]
    )
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    # The enterprise's latest completed assessment: its level is the enterprise's level. Kept
    # by the completing service so the targets count it with one indexed join.
    is_latest = models.BooleanField(default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status="in_progress"),
                                    name="assessment_one_open_per_enterprise"),
            models.UniqueConstraint(fields=["enterprise"], condition=Q(is_latest=True),
                                    name="assessment_one_latest_per_enterprise"),
            models.CheckConstraint(
                condition=Q(status="in_progress", level__isnull=True, is_latest=False)
                | Q(status="completed", level__isnull=False, level__gte=0, level__lte=5),
                name="assessment_result_iff_completed",
            ),
        ]
        indexes = [
            models.Index(fields=["enterprise", "updated_at"], name="assessment_activity_idx"),
            models.Index(fields=["is_latest", "level"], name="assessment_latest_level_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.model.version} · {self.get_status_display()}"

    @property
    def is_completed(self):
        return self.status == self.Status.COMPLETED


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=3, decimal_places=2, choices=SATISFACTION_CHOICES)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "statement"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "statement"],
                                    name="answer_once_per_statement"),
            models.CheckConstraint(condition=Q(value__in=SATISFACTION_VALUES),
                                   name="answer_on_satisfaction_scale"),
        ]

    def __str__(self):
        return f"{self.statement_id}: {self.value}"
