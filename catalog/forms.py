"""Forms of the catalog's web pages. They validate input; catalog.services does the writing."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin

from .models import (
    Industry,
    LifecycleStage,
    MaturityLevel,
    Region,
    ReviewReason,
    Scenario,
    Solution,
    Technology,
)

RELATION_FIELDS = ("scenarios", "stages", "industries", "technologies", "regions")


def maturity_choices():
    levels = MaturityLevel.objects.all()
    return [(level.level, f"L{level.level} · {level.name}") for level in levels]


def scenario_choices():
    """The 40 scenarios grouped under their 8 links, as the guide presents them."""
    groups = {}
    for scenario in Scenario.objects.select_related("link").order_by("link__position", "code"):
        groups.setdefault(scenario.link, []).append(
            (scenario.pk, f"{scenario.code} · {scenario.name}")
        )
    return [(link.name, options) for link, options in groups.items()]


class SolutionForm(ServiceErrorsMixin, forms.ModelForm):
    """A vendor's draft: both languages side by side, the taxonomy as checkboxes."""

    maturity_from = forms.TypedChoiceField(label=_("Maturity from"), coerce=int)
    maturity_to = forms.TypedChoiceField(label=_("Maturity to"), coerce=int)

    class Meta:
        model = Solution
        fields = [
            "language", "title_en", "title_zh", "summary_en", "summary_zh",
            "description_en", "description_zh", *RELATION_FIELDS, "maturity_from",
            "maturity_to", "deployment", "price_min_cny", "price_max_cny", "delivery_weeks",
        ]
        labels = {
            "scenarios": _("Scenarios"),
            "stages": _("Additional lifecycle stages"),
            "industries": _("Industries served"),
            "technologies": _("Technologies"),
            "regions": _("Regions served"),
            "deployment": _("Deployment"),
            "price_min_cny": _("Price from (CNY)"),
            "price_max_cny": _("Price up to (CNY)"),
            "delivery_weeks": _("Typical delivery (weeks)"),
        }
        help_texts = {
            "scenarios": _("The typical scenarios of the 2025 guide this solution serves."),
            "stages": _("Only stages beyond those the scenarios already imply."),
            "description_en": _("Markdown: headings, lists, tables and links."),
            "description_zh": _("Markdown: headings, lists, tables and links."),
        }
        widgets = {
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "summary_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 10}),
            "description_zh": forms.Textarea(attrs={"rows": 10}),
            **{name: forms.CheckboxSelectMultiple for name in RELATION_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels = maturity_choices()
        self.fields["maturity_from"].choices = levels
        self.fields["maturity_to"].choices = levels
        self.fields["scenarios"].choices = scenario_choices()
        self.fields["stages"].queryset = LifecycleStage.objects.all()
        self.fields["industries"].queryset = Industry.objects.all()
        self.fields["technologies"].queryset = Technology.objects.all()
        self.fields["regions"].queryset = Region.objects.all()
        for name in ("price_min_cny", "price_max_cny", "delivery_weeks"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")
            self.fields[name].widget.attrs["min"] = 0

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("maturity_from"), cleaned.get("maturity_to")
        if low is not None and high is not None and low > high:
            self.add_error("maturity_to", _("Must not be below the starting level."))
        price_min, price_max = cleaned.get("price_min_cny"), cleaned.get("price_max_cny")
        if price_min is not None and price_max is not None and price_min > price_max:
            self.add_error("price_max_cny", _("Must not be below the minimum price."))
        return cleaned

    def service_data(self):
        """The cleaned values in the shape catalog.services expects."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ReviewDecisionForm(forms.Form):
    """A reviewer's decision; the vendor must be told why when it is not an approval."""

    APPROVE, REQUEST_CHANGES, REJECT = "approve", "request_changes", "reject"

    decision = forms.ChoiceField(
        choices=[
            (APPROVE, _("Approve and publish")),
            (REQUEST_CHANGES, _("Request changes")),
            (REJECT, _("Reject")),
        ]
    )
    reason_codes = forms.ModelMultipleChoiceField(
        label=_("Reasons"),
        queryset=ReviewReason.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Required when you request changes or reject."),
    )
    comment = forms.CharField(
        label=_("Comment to the vendor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes or reject."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in {self.REQUEST_CHANGES, self.REJECT}:
            if not (cleaned.get("comment") or "").strip():
                self.add_error("comment", _("Tell the vendor why."))
            if not cleaned.get("reason_codes"):
                self.add_error("reason_codes", _("Choose at least one reason."))
        return cleaned

    def decision_kwargs(self):
        """What the decision service takes: the comment, and reasons unless approving."""
        kwargs = {"comment": self.cleaned_data["comment"]}
        if self.cleaned_data["decision"] != self.APPROVE:
            kwargs["reason_codes"] = [r.code for r in self.cleaned_data["reason_codes"]]
        return kwargs
