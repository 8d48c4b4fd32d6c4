"""Forms of the marketplace's web pages. They validate input; marketplace.services writes."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.forms import ServiceErrorsMixin
from accounts.models import Organization
from catalog import limits as catalog_limits
from catalog.forms import maturity_choices, scenario_choices
from catalog.models import LifecycleStage, Solution

from . import limits
from .models import Need, validity_over

QUOTE_LINE_ITEM_ROWS = 5
QUOTE_VALIDITY_DAYS = 30


class NeedForm(ServiceErrorsMixin, forms.ModelForm):
    """An enterprise's need in its own words, tagged with the taxonomy so it can be matched."""

    current_level = forms.TypedChoiceField(
        label=_("Current maturity level"), coerce=int, empty_value=None, required=False
    )
    target_level = forms.TypedChoiceField(
        label=_("Target maturity level"), coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = Need
        fields = ["title", "description", "language", "industry", "region", "scenarios",
                  "stages", "current_level", "target_level", "budget_max_cny", "deadline",
                  "visibility"]
        labels = {
            "visibility": _("Who may see it"),
            "language": _("Written in"),
            "industry": _("Industry"),
            "region": _("Region"),
            "scenarios": _("Scenarios"),
            "stages": _("Lifecycle stages"),
            "budget_max_cny": _("Budget up to (CNY)"),
        }
        help_texts = {
            "description": _("What hurts today, what you want to reach, constraints."),
            "scenarios": _("Pick the scenarios of the guide closest to your need; matching "
                           "ranks solutions that serve them first."),
        }
        error_messages = {
            "title": {"required": _("Give the need a title.")},
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "scenarios": forms.CheckboxSelectMultiple,
            "stages": forms.CheckboxSelectMultiple,
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, prefill=None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = maturity_choices()
        self.fields["current_level"].choices = [
            ("", "—"), (0, _("L0 · Not yet planned")), *levels
        ]
        self.fields["target_level"].choices = [("", "—"), *levels]
        self.fields["scenarios"].choices = scenario_choices()
        self.fields["stages"].queryset = LifecycleStage.objects.all()
        for name in ("scenarios", "stages"):
            self.fields[name].validators.append(
                catalog_limits.max_items(catalog_limits.RELATIONS_MAX[name]))
        self.fields["budget_max_cny"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.fields["visibility"].required = False
        if prefill is not None:
            self.initial.update(self.initial_from_query(prefill))

    def initial_from_query(self, query):
        """Prefill from a link (a solution's or scenario's "Post a need", the maturity
        results' "post a need"): each value is cleaned by its field, and what does not
        clean (an unknown scenario, a malformed number) is left out, never trusted."""
        initial = {}
        for name in self.Meta.fields:
            if name not in query:
                continue
            field = self.fields[name]
            if isinstance(field, forms.ModelMultipleChoiceField):
                kept = [value for value in query.getlist(name) if self._cleans(field, [value])]
                if kept:
                    initial[name] = kept
            elif self._cleans(field, query.get(name)):
                initial[name] = query.get(name)
        return initial

    @staticmethod
    def _cleans(field, value):
        try:
            field.clean(value)
        except forms.ValidationError:
            return False
        return value not in (None, "", [])

    def clean_visibility(self):
        return self.cleaned_data.get("visibility") or Need.Visibility.PRIVATE

    def clean(self):
        cleaned = super().clean()
        current, target = cleaned.get("current_level"), cleaned.get("target_level")
        if current is not None and target is not None and current > target:
            self.add_error("target_level", _("Must not be below the current level."))
        return cleaned

    def service_data(self):
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class QuoteRequestForm(ServiceErrorsMixin, forms.Form):
    """Ask one or several vendors for a quote. `candidates`: (vendor, solution, match) triples
    the enterprise may choose from; solution and match may be None."""

    vendors = forms.ModelMultipleChoiceField(
        label=_("Vendors to ask"), queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one vendor.")},
    )
    title = forms.CharField(label=_("Title"), max_length=200,
                            error_messages={"required": _("Give the request a title.")})
    requirements = forms.CharField(
        label=_("Requirements"), required=False, max_length=limits.REQUIREMENTS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Scope, site, timeline and anything each quote should cover."),
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        vendors = {vendor.pk: vendor for vendor, _solution, _match in candidates}
        self.fields["vendors"].queryset = Organization.objects.filter(
            pk__in=list(vendors), kind=Organization.Kind.VENDOR
        )
        self.fields["vendors"].choices = [
            (vendor.pk, f"{vendor.display_name} — {solution.title}" if solution
             else vendor.display_name)
            for vendor, solution, _match in candidates
        ]


class QuoteForm(ServiceErrorsMixin, forms.Form):
    """The head of a vendor's quote; the line items are a formset beside it."""

    solution = forms.ModelChoiceField(
        label=_("Solution offered"), queryset=Solution.objects.none(), required=False
    )
    delivery_weeks = forms.IntegerField(
        label=_("Delivery (weeks)"), min_value=1, max_value=520,
        error_messages={"required": _("Say in how many weeks you deliver.")})
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Say until when the quote holds.")},
    )
    terms = forms.CharField(
        label=_("Terms"), required=False, max_length=limits.QUOTE_TERMS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Payment, warranty, what is excluded."),
    )

    def __init__(self, *args, vendor_solutions=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault(
            "valid_until", timezone.localdate() + timedelta(days=QUOTE_VALIDITY_DAYS)
        )
        super().__init__(*args, **kwargs)
        if vendor_solutions is not None:
            self.fields["solution"].queryset = vendor_solutions

    def clean_valid_until(self):
        valid_until = self.cleaned_data["valid_until"]
        if validity_over(valid_until):
            raise forms.ValidationError(_("A quote cannot expire in the past."))
        return valid_until


class QuoteLineItemForm(forms.Form):
    # Blank rows are allowed (they are skipped), so browsers must not demand every row.
    use_required_attribute = False

    description = forms.CharField(
        label=_("Item"), max_length=300,
        error_messages={"required": _("Say what this line offers.")})
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    quantity = forms.DecimalField(
        label=_("Quantity"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2,
        error_messages={"required": _("Give the quantity of this line.")})
    unit_price_cny = forms.DecimalField(
        label=_("Unit price (CNY)"), min_value=Decimal("0"), max_digits=14, decimal_places=2,
        error_messages={"required": _("Give the unit price of this line, in CNY.")})


class BaseQuoteLineItemFormSet(forms.BaseFormSet):
    """The rows of a quote, refused in words that say what is missing."""

    default_error_messages = {
        "too_few_forms": _("Add at least one line: what you offer and its price."),
        "too_many_forms": _("A quote holds at most %(num)d lines."),
        "missing_management_form": _("The line items were not sent completely. Reload the "
                                     "page and fill them in again."),
    }


# Five rows are shown; a quote may hold as many lines as through the API, and a posted
# form count above that is refused rather than read.
QuoteLineItemFormSet = forms.formset_factory(
    QuoteLineItemForm,
    formset=BaseQuoteLineItemFormSet,
    extra=QUOTE_LINE_ITEM_ROWS - 1,
    min_num=1,
    validate_min=True,
    max_num=limits.QUOTE_LINE_ITEMS_MAX,
    absolute_max=limits.QUOTE_LINE_ITEMS_MAX,
    validate_max=True,
)


def line_items_of(formset):
    """The filled rows, in order, as the dicts marketplace.services.submit_quote expects."""
    return [
        {name: form.cleaned_data[name] for name in ("description", "unit", "quantity",
                                                     "unit_price_cny")}
        for form in formset.forms
        if form.cleaned_data
    ]


class DeclineQuoteForm(ServiceErrorsMixin, forms.Form):
    """The vendor withdraws its quote; the enterprise is told why."""

    reason = forms.CharField(
        label=_("Why you decline"), max_length=limits.REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The enterprise reads this."),
        error_messages={"required": _("Say why you decline.")},
    )


class ProposalForm(ServiceErrorsMixin, forms.Form):
    """A vendor answers a public need with one of its published solutions."""

    solution = forms.ModelChoiceField(
        label=_("Solution"), queryset=Solution.objects.none(),
        error_messages={"required": _("Choose one of your published solutions.")})
    message = forms.CharField(label=_("How it answers the need"),
                              max_length=limits.PROPOSAL_MESSAGE_MAX_CHARS,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("Say how it answers the need.")})

    def __init__(self, *args, solutions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["solution"].queryset = solutions


SCORE_CHOICES = [(n, str(n)) for n in range(1, 6)]


def _score_field(label):
    """A score from 1 to 5 as a radio group with nothing chosen: the buyer picks each one."""
    return forms.TypedChoiceField(
        label=label, choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )


class RatingForm(ServiceErrorsMixin, forms.Form):
    """The enterprise rates delivered work, 1 to 5 on each criterion. Nothing is preset:
    a score the buyer did not choose is never sent."""

    quality = _score_field(_("Quality"))
    delivery = _score_field(_("Delivery on time"))
    communication = _score_field(_("Communication"))
    value = _score_field(_("Value for money"))
    text = forms.CharField(label=pgettext_lazy("a buyer's rating", "Review"), required=False,
                           max_length=limits.RATING_TEXT_MAX_CHARS,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Optional: what went well, what did not."))
