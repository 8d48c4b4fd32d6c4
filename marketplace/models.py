from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.limits import capped_text
from catalog.models import (
    Industry,
    LifecycleStage,
    Region,
    Scenario,
    Solution,
)
from core.files import unguessable_name

from . import limits

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


class Rating(models.Model):
    """An enterprise rates the solution and vendor of a quote it accepted; one rating a quote."""

    CRITERIA = ("quality", "delivery", "communication", "value")

    quote = models.OneToOneField(Quote, on_delete=models.CASCADE, related_name="rating")
    enterprise = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                   related_name="ratings_given")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE,
                               related_name="ratings_received")
    solution = models.ForeignKey(Solution, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="ratings")
    quality = models.PositiveSmallIntegerField(_("quality"), validators=LEVEL_VALIDATORS)
    delivery = models.PositiveSmallIntegerField(_("delivery on time"),
                                                validators=LEVEL_VALIDATORS)
    communication = models.PositiveSmallIntegerField(_("communication"),
                                                     validators=LEVEL_VALIDATORS)
    value = models.PositiveSmallIntegerField(_("value for money"), validators=LEVEL_VALIDATORS)
    # The mean of the criteria, stored so search can sort and average by it.
    score = models.DecimalField(max_digits=3, decimal_places=2)
    text = capped_text(limits.RATING_TEXT_MAX_CHARS, _("review"), blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    vendor_reply = capped_text(limits.RATING_TEXT_MAX_CHARS, blank=True, default="")
    replied_at = models.DateTimeField(null=True, blank=True)
    is_hidden = models.BooleanField(default=False)
    hidden_reason = capped_text(limits.REASON_MAX_CHARS, blank=True, default="")
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quality__gte=1, quality__lte=5) & Q(delivery__gte=1, delivery__lte=5)
                & Q(communication__gte=1, communication__lte=5) & Q(value__gte=1, value__lte=5),
                name="rating_scores_1_to_5",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} rated {self.vendor}"

    def compute_score(self):
        total = sum(Decimal(getattr(self, name)) for name in self.CRITERIA)
        return (total / len(self.CRITERIA)).quantize(Decimal("0.01"))


class Follow(models.Model):
    """A person follows a scenario, a vendor or a solution, to hear of new and changed
    published solutions there (marketplace.consumers). Exactly one target is set."""

    class Target(models.TextChoices):
        SCENARIO = "scenario", _("Scenario")
        VENDOR = "vendor", _("Solution provider")
        SOLUTION = "solution", _("Solution")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="follows")
    target_type = models.CharField(max_length=10, choices=Target.choices)
    scenario = models.ForeignKey(Scenario, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="follows")
    vendor = models.ForeignKey(Organization, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="follows",
                               limit_choices_to={"kind": Organization.Kind.VENDOR})
    solution = models.ForeignKey(Solution, on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(target_type="scenario", scenario__isnull=False, vendor__isnull=True,
                      solution__isnull=True)
                    | Q(target_type="vendor", scenario__isnull=True, vendor__isnull=False,
                        solution__isnull=True)
                    | Q(target_type="solution", scenario__isnull=True, vendor__isnull=True,
                        solution__isnull=False)
                ),
                name="follow_exactly_one_target",
            ),
            models.UniqueConstraint(fields=["user", "scenario"], name="follow_once_scenario",
                                    condition=Q(scenario__isnull=False)),
            models.UniqueConstraint(fields=["user", "vendor"], name="follow_once_vendor",
                                    condition=Q(vendor__isnull=False)),
            models.UniqueConstraint(fields=["user", "solution"], name="follow_once_solution",
                                    condition=Q(solution__isnull=False)),
        ]

    def __str__(self):
        return f"{self.user} follows {self.target}"

    @property
    def target(self):
        return getattr(self, self.target_type)
