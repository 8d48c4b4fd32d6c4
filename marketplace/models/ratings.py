"""Ratings of delivered work, by the enterprise that accepted a quote."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.limits import capped_text
from catalog.models import Solution

from .. import limits
from .needs import LEVEL_VALIDATORS
from .quotes import Quote


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
