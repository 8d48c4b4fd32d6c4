"""The capability maturity model itself (GB/T 39116 style), one set of rows per version.

The structure (elements → domains → sub-domains) comes from the taxonomy's `maturity_model`;
the statements an enterprise answers per sub-domain and level, the weights and the mapping
of sub-domains to scenarios come from maturity/data/. A revised standard is loaded as a new
version beside the old one, so every assessment keeps meaning what it meant when answered."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Scenario, in_reader_language
from catalog.models.taxonomy import BilingualNamed

LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]
WEIGHT_VALIDATORS = [MinValueValidator(Decimal("0.01"))]


class MaturityModel(BilingualNamed):
    """One version of the model. New assessments use the current one; older assessments
    keep the version they were started on."""

    version = models.SlugField(_("version"), max_length=40, unique=True)
    standard = models.CharField(_("standard"), max_length=50)
    is_current = models.BooleanField(_("current"), default=False)
    taxonomy_version = models.CharField(max_length=20, blank=True, default="")
    # The structure and statements exactly as loaded, for the record.
    source = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_current", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True),
                                    name="maturitymodel_one_current"),
        ]

    def __str__(self):
        return f"{self.standard} ({self.version})"


class Element(BilingualNamed):
    """People, technology, resources, manufacturing: the model's four capability elements."""

    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="elements")
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="element_unique_code"),
        ]


class Domain(BilingualNamed):
    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="domains")
    element = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="domains")
    code = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="domain_unique_code"),
        ]


class SubDomain(BilingualNamed):
    """The unit an enterprise answers for, or marks not applicable."""

    model = models.ForeignKey(MaturityModel, on_delete=models.CASCADE, related_name="subdomains")
    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, related_name="subdomains")
    code = models.SlugField(max_length=60)
    position = models.PositiveSmallIntegerField(default=0)
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=WEIGHT_VALIDATORS)
    scenarios = models.ManyToManyField(Scenario, related_name="maturity_subdomains", blank=True,
                                       help_text=_("Scenarios of the guide that build up this "
                                                   "capability."))

    class Meta:
        ordering = ["model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["model", "code"], name="subdomain_unique_code"),
        ]


class Statement(models.Model):
    """A requirement of one level in one sub-domain, answered on the satisfaction scale."""

    subdomain = models.ForeignKey(SubDomain, on_delete=models.CASCADE, related_name="statements")
    level = models.PositiveSmallIntegerField(validators=LEVEL_VALIDATORS)
    position = models.PositiveSmallIntegerField(default=0)
    # "<sub-domain>.<level>.<position>": how the API and the data file name a statement.
    code = models.CharField(max_length=80)
    text_en = models.TextField(_("statement (English)"))
    text_zh = models.TextField(_("statement (Chinese)"))
    weight = models.DecimalField(max_digits=6, decimal_places=2, default=Decimal("1"),
                                 validators=WEIGHT_VALIDATORS)

    class Meta:
        ordering = ["subdomain", "level", "position"]
        constraints = [
            models.UniqueConstraint(fields=["subdomain", "level", "position"],
                                    name="statement_unique_position"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=5),
                                   name="statement_level_1_to_5"),
        ]

    def __str__(self):
        return self.code

    @property
    def text(self):
        return in_reader_language(self.text_en, self.text_zh)
