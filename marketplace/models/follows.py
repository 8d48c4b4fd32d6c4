"""What a person follows: a scenario, a solution provider or a solution."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from catalog.models import Scenario, Solution


class Follow(models.Model):
    """A person follows a scenario, a vendor or a solution, to hear of new and changed
    published solutions there (events.notices.marketplace). Exactly one target is set."""

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
