"""An enterprise's side: its profile, its needs and the solutions matched to them."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.limits import capped_text
from catalog.models import Industry, LifecycleStage, Region, Scenario, Solution

from .. import limits

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

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: every vendor may see it and propose")
        PRIVATE = "private", _("Private: only invited vendors")

    enterprise = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="needs",
        limit_choices_to={"kind": Organization.Kind.ENTERPRISE},
    )
    external_ref = models.CharField(max_length=100, null=True, blank=True, unique=True)
    language = models.CharField(max_length=2, choices=Solution.Language.choices, default="zh")
    title = models.CharField(_("title"), max_length=200)
    description = capped_text(limits.NEED_DESCRIPTION_MAX_CHARS, _("description"), blank=True,
                              default="")
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
    deadline = models.DateField(
        _("deadline"), null=True, blank=True,
        help_text=_("The need closes by itself after this day."),
    )
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    invited_vendors = models.ManyToManyField(
        Organization, related_name="needs_invited_to", blank=True,
        limit_choices_to={"kind": Organization.Kind.VENDOR},
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When matching last ranked the need (matching.ranking.refresh_matches); null until its
    # first ranking, so its page says "Ranking…" rather than "no matches".
    matched_at = models.DateTimeField(null=True, blank=True, editable=False)

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


class SeenMatch(models.Model):
    """A solution that has been among a need's matches at least once. A match is announced to
    the enterprise only the first time it appears (matching.ranking.refresh_matches)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, related_name="+")
    first_seen_at = models.DateTimeField(auto_now_add=True)
    # True when the enterprise was told (a good match that appeared after the first ranking).
    announced = models.BooleanField(default=False)

    class Meta:
        db_table = "search_seenmatch"  # made by search, which matching was part of
        constraints = [
            models.UniqueConstraint(fields=["need", "solution"],
                                    name="seenmatch_unique_need_solution"),
        ]

    def __str__(self):
        return f"need {self.need_id} saw solution {self.solution_id}"
