"""Forms of the maturity pages. They validate input; maturity.services writes."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from catalog.models import FactoryTier, Industry, Region

from .models import SATISFACTION_CHOICES

ANSWER_CHOICES = [(f"{value:.2f}", label) for value, label in SATISFACTION_CHOICES]


def answer_field_name(statement):
    return f"s_{statement.pk}"


class SubDomainAnswersForm(ServiceErrorsMixin, forms.Form):
    """One sub-domain's statements, level by level, on the satisfaction scale."""

    not_applicable = forms.BooleanField(
        label=_("This sub-domain does not apply to our business"), required=False,
        help_text=_("It is then left out of the score. Answers you gave are kept."),
    )

    def __init__(self, *args, subdomain, answers, is_excluded, **kwargs):
        super().__init__(*args, **kwargs)
        self.subdomain = subdomain
        self.statements = list(subdomain.statements.all())
        self.fields["not_applicable"].initial = is_excluded
        for statement in self.statements:
            value = answers.get(statement.pk)
            self.fields[answer_field_name(statement)] = forms.ChoiceField(
                label=statement.text, choices=ANSWER_CHOICES, required=False,
                widget=forms.RadioSelect, initial=f"{value:.2f}" if value is not None else None,
            )

    def levels(self):
        """[(level, [bound fields])] in level order, for the template."""
        grouped = {}
        for statement in self.statements:
            grouped.setdefault(statement.level, []).append(self[answer_field_name(statement)])
        return sorted(grouped.items())

    def service_data(self):
        """(answers by statement code, not-applicable by sub-domain code). A blank answer
        leaves the stored one alone: a half-filled page never erases earlier work."""
        answers = {statement.code: self.cleaned_data[answer_field_name(statement)]
                   for statement in self.statements
                   if self.cleaned_data.get(answer_field_name(statement))}
        return answers, {self.subdomain.code: self.cleaned_data["not_applicable"]}


class FactoryForm(ServiceErrorsMixin, forms.Form):
    """A factory to register. Uniqueness and the tier's level rule are checked by the
    service, which has the enterprise in hand."""

    name = forms.CharField(label=_("Factory name"), max_length=200)
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.all())
    tier = forms.ModelChoiceField(
        label=_("Tier"), queryset=FactoryTier.objects.all(),
        help_text=_("Basic and advanced tiers need maturity level 2 or above; excellent and "
                    "leading tiers need level 3 or above."),
    )
    year = forms.IntegerField(label=_("Year recognised"), min_value=2015,
                              help_text=_("The year the factory reached this tier."))
    evidence = forms.FileField(
        label=_("Evidence document"),
        help_text=_("The recognition letter, an assessment report or another document that "
                    "shows the tier (PDF, image or Office document). You can add more later."),
    )
    evidence_title = forms.CharField(label=_("Document title"), max_length=200, required=False)

    FIELDS = ("name", "region", "industry", "tier", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].initial = this_year
        self.fields["year"].validators.append(MaxValueValidator(this_year))
        self.fields["year"].widget.attrs["max"] = this_year

    def service_data(self):
        data = {name: self.cleaned_data[name] for name in self.FIELDS}
        data["evidence"] = [(self.cleaned_data["evidence"],
                             self.cleaned_data.get("evidence_title", ""))]
        return data


class EvidenceForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Evidence document"))
    title = forms.CharField(label=_("Document title"), max_length=200, required=False)


class FactoryDecisionForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note to the enterprise"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when rejecting."))
