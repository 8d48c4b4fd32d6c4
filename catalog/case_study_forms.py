"""Case studies with their outcome rows, edited on the web as nested formsets: one blank case
study and one blank outcome row per case study, more through "add another" buttons that post
the form back (no script needed). Caps from catalog.limits."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import limits
from .formsets import capped_formset
from .models import Industry, Region

CASE_STUDIES_PREFIX = "case_studies"


class OutcomeForm(forms.Form):
    metric = forms.CharField(label=_("Metric"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=50, required=False)
    before = forms.DecimalField(label=_("Before"), max_digits=16, decimal_places=4)
    after = forms.DecimalField(label=_("After"), max_digits=16, decimal_places=4)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") is not None and cleaned.get("before") == cleaned.get("after"):
            self.add_error("after", _("An outcome's figure after must differ from before."))
        return cleaned


OutcomeFormSet = capped_formset(OutcomeForm, limits.OUTCOMES_PER_CASE_STUDY_MAX)


class CaseStudyForm(forms.Form):
    client = forms.CharField(label=_("Client"), max_length=200,
                             help_text=_("A name, or a description such as “a machine-tool "
                                         "maker in Jiangsu” when the client stays anonymous."))
    industry = forms.ModelChoiceField(label=_("Industry"), queryset=Industry.objects.none(),
                                      required=False, empty_label=_("Not given"))
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(),
                                    required=False, empty_label=_("Not given"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)
    summary = forms.CharField(label=_("What was done"), required=False,
                              max_length=limits.CASE_STUDY_TEXT_MAX_CHARS,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["region"].queryset = Region.objects.all()
        self.outcomes = OutcomeFormSet(
            self.data if self.is_bound else None, prefix=f"{self.prefix}-outcomes",
            initial=self.initial.get("outcomes") or [],
        )

    def has_changed(self):
        return super().has_changed() or self.outcomes.has_changed()

    def full_clean(self):
        super().full_clean()
        # The outcome rows are always cleaned (study() reads them), refused only when this
        # case study is kept.
        if self.is_bound and not self.outcomes.is_valid() and self.has_changed():
            self.add_error(None, _("Correct the outcome rows of this case study."))

    def study(self):
        """The cleaned case study in the shape catalog.services writes."""
        outcomes = [
            {"metric": row["metric"], "unit": row.get("unit") or "", "before": row["before"],
             "after": row["after"]}
            for row in (form.cleaned_data for form in self.outcomes.forms)
            if row and not row.get("DELETE")
        ]
        return {name: self.cleaned_data.get(name) for name in
                ("client", "industry", "region", "year")} | {
            "summary": self.cleaned_data.get("summary") or "", "outcomes": outcomes}


_BaseCaseStudyFormSet = capped_formset(CaseStudyForm, limits.CASE_STUDIES_MAX)


class CaseStudyFormSet(_BaseCaseStudyFormSet):
    def case_studies(self):
        # A blank extra row has no cleaned data; a kept row has, changed or not.
        return [form.study() for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]


def initial_of(content):
    """Formset initial values from input_from_snapshot()'s case studies."""
    return [
        {"client": study["client"], "industry": study.get("industry"),
         "region": study.get("region"), "year": study.get("year"),
         "summary": study.get("summary", ""),
         "outcomes": [dict(outcome) for outcome in study.get("outcomes", [])]}
        for study in content
    ]


def add_row_prefix(data):
    """The formset prefix an "add another" button asked for (add-<prefix>), if any:
    the case studies' own, or one case study's outcomes."""
    for key in data:
        if key.startswith("add-"):
            prefix = key[4:]
            if prefix == CASE_STUDIES_PREFIX:
                return prefix, limits.CASE_STUDIES_MAX
            if prefix.startswith(f"{CASE_STUDIES_PREFIX}-") and prefix.endswith("-outcomes"):
                return prefix, limits.OUTCOMES_PER_CASE_STUDY_MAX
    return None, None
