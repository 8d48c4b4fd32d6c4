"""The taxonomy of the 2025 scenario guide and the plan, loaded from catalog/data/taxonomy.json."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_reader_language(en, zh):
    """The reader's language first, the other as a fallback: content may be in either."""
    if (get_language() or "en").startswith("zh"):
        return zh or en
    return en or zh


class BilingualNamed(models.Model):
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_reader_language(self.name_en, self.name_zh)


class TaxonomyRelease(models.Model):
    """Which version of the taxonomy file is loaded, with the parts kept whole (sources and
    the maturity model, which the maturity app turns into its own tables)."""

    version = models.CharField(max_length=20, unique=True)
    sources = models.JSONField(default=list)
    maturity_model = models.JSONField(default=dict)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.version


class LifecycleStage(BilingualNamed):
    code = models.SlugField(max_length=50, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class ScenarioLink(BilingualNamed):
    """One of the 8 links (环节) of the scenario guide."""

    code = models.SlugField(max_length=50, unique=True)
    stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]


class Scenario(BilingualNamed):
    """One of the 40 typical scenarios of the 2025 guide (codes like 2025-28)."""

    code = models.CharField(max_length=20, unique=True)
    edition = models.CharField(max_length=10)
    link = models.ForeignKey(ScenarioLink, on_delete=models.PROTECT, related_name="scenarios")
    stage = models.ForeignKey(LifecycleStage, on_delete=models.PROTECT, related_name="scenarios")
    description_en = models.TextField(blank=True, default="")
    description_zh = models.TextField(blank=True, default="")
    keywords_en = models.JSONField(default=list, blank=True)
    keywords_zh = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]

    @property
    def description(self):
        return in_reader_language(self.description_en, self.description_zh)


class Industry(BilingualNamed):
    code = models.SlugField(max_length=50, unique=True)
    gb4754 = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("industries")


class Technology(BilingualNamed):
    code = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = _("technologies")


class MaturityLevel(BilingualNamed):
    level = models.PositiveSmallIntegerField(primary_key=True)
    summary_en = models.TextField(blank=True, default="")
    summary_zh = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["level"]

    def __str__(self):
        return f"L{self.level} {self.name}"


class Region(BilingualNamed):
    code = models.CharField(max_length=8, unique=True)

    class Meta:
        ordering = ["code"]


class FactoryTier(BilingualNamed):
    code = models.SlugField(max_length=30, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    min_maturity_level = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position"]


class PlanTarget(BilingualNamed):
    code = models.SlugField(max_length=50)
    year = models.PositiveSmallIntegerField()
    value = models.DecimalField(max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["code", "year"], name="plantarget_unique_code_year")
        ]
