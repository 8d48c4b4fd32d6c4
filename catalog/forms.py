"""Forms of the catalog's web pages. They validate input; catalog.services does the writing."""

from django import forms
from django.db.models import Count, Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts import selectors as people
from accounts.forms import ServiceErrorsMixin

from . import limits, revisions
from .models import (
    Industry,
    LifecycleStage,
    MaturityLevel,
    Region,
    ReviewReason,
    Scenario,
    Solution,
    SolutionStatus,
    Technology,
)
from .reasons import active_reasons_for

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
        for name in RELATION_FIELDS:
            self.fields[name].validators.append(limits.max_items(limits.RELATIONS_MAX[name]))
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

    @classmethod
    def initial_from_snapshot(cls, content):
        """Initial values from a snapshot (a revision's proposal): taxonomy codes become the
        primary keys the checkboxes use, money strings become Decimals."""
        data = revisions.input_from_snapshot(content)
        initial = {}
        for name in cls.Meta.fields:
            if name not in data:
                continue
            value = data[name]
            initial[name] = [obj.pk for obj in value] if name in RELATION_FIELDS else value
        return initial


def person_name(user):
    return user.get_full_name() or user.username


class ReviewDecisionForm(ServiceErrorsMixin, forms.Form):
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
        help_text=_("Required when you request changes or reject. Some reasons apply to only "
                    "one of the two."),
    )
    comment = forms.CharField(
        label=_("Comment to the vendor"),
        required=False,
        max_length=limits.REVIEW_COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you request changes or reject."),
    )
    # Which submission the page showed (its submitted_at, ISO 8601): the decision applies to
    # that one only, never to content resubmitted since (catalog.workflow.StaleSubmission).
    submitted_at = forms.CharField(widget=forms.HiddenInput, required=False)

    # decision → the status it leads to, which decides the reasons that apply
    TARGET_STATUS = {
        REQUEST_CHANGES: SolutionStatus.CHANGES_REQUESTED,
        REJECT: SolutionStatus.REJECTED,
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["reason_codes"]
        field.queryset = ReviewReason.objects.filter(is_active=True)
        field.label_from_instance = self._reason_label

    @classmethod
    def for_subject(cls, subject, **initial):
        """An unbound form for the submission the page shows."""
        return cls(initial={**initial, "submitted_at": submission_token(subject)})

    @staticmethod
    def _reason_label(reason):
        if reason.applies_to == ReviewReason.AppliesTo.CHANGES:
            return _("%(reason)s (request changes only)") % {"reason": reason.label}
        if reason.applies_to == ReviewReason.AppliesTo.REJECT:
            return _("%(reason)s (reject only)") % {"reason": reason.label}
        return reason.label

    def clean_submitted_at(self):
        try:
            value = parse_datetime(self.cleaned_data["submitted_at"] or "")
        except ValueError:
            return None
        # The form writes an aware time; a time without its offset names no submission.
        return value if value is not None and value.utcoffset() is not None else None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("submitted_at") is None:
            self.add_error(None, _("This page does not say which submission you read: "
                                   "reload it, read the submission and decide again."))
        decision = cleaned.get("decision")
        if decision in self.TARGET_STATUS:
            if not (cleaned.get("comment") or "").strip():
                self.add_error("comment", _("Tell the vendor why."))
            reasons = cleaned.get("reason_codes")
            if not reasons:
                self.add_error("reason_codes", _("Choose at least one reason."))
            else:
                applicable = set(active_reasons_for(self.TARGET_STATUS[decision])
                                 .values_list("code", flat=True))
                for reason in reasons:
                    if reason.code not in applicable:
                        self.add_error("reason_codes", _(
                            "“%(reason)s” does not apply to this decision."
                        ) % {"reason": reason.label})
        return cleaned

    def decision_kwargs(self):
        """What the decision service takes: the comment, and reasons unless approving."""
        kwargs = {"comment": self.cleaned_data["comment"],
                  "seen_submitted_at": self.cleaned_data["submitted_at"]}
        if self.cleaned_data["decision"] != self.APPROVE:
            kwargs["reason_codes"] = [r.code for r in self.cleaned_data["reason_codes"]]
        return kwargs


def submission_token(subject):
    """What the decision form carries to name the submission it shows."""
    return subject.submitted_at.isoformat() if subject.submitted_at else ""


class ReassignForm(forms.Form):
    """Hand a review to another reviewer: only reviewers from outside the vendor qualify."""

    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None,
                                      empty_label=_("Choose a reviewer"))

    def __init__(self, *args, subject, **kwargs):
        super().__init__(*args, **kwargs)
        open_states = [SolutionStatus.SUBMITTED, SolutionStatus.IN_REVIEW]
        field = self.fields["reviewer"]
        field.queryset = (
            people.reviewers()
            .exclude(memberships__organization=subject.vendor)
            .annotate(
                open_reviews=Count("assigned_solutions", distinct=True,
                                   filter=Q(assigned_solutions__status__in=open_states))
                + Count("assigned_solutionrevisions", distinct=True,
                        filter=Q(assigned_solutionrevisions__status__in=open_states)),
            )
            .order_by("open_reviews", "username")
        )
        field.label_from_instance = lambda user: _("%(name)s · %(count)s open") % {
            "name": person_name(user), "count": user.open_reviews,
        }
        if subject.reviewer_id and not self.is_bound:
            self.initial["reviewer"] = subject.reviewer_id


class ReviewQueueFilterForm(forms.Form):
    """The review queue's filters, read from the query string; unknown values are ignored."""

    ME, ANYONE = "me", "anyone"

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[
        ("", _("Submitted or in review")),
        (SolutionStatus.SUBMITTED, _("Submitted (checks running)")),
        (SolutionStatus.IN_REVIEW, _("In review")),
    ])
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)
    sla = forms.ChoiceField(label=_("Deadline"), required=False, choices=[
        ("", _("Any")),
        ("overdue", _("Overdue")),
        ("due_soon", _("Due soon")),
        ("on_track", _("On track")),
    ])
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = {}
        for scenario in Scenario.objects.select_related("link").order_by("link__position",
                                                                         "code"):
            groups.setdefault(scenario.link, []).append(
                (scenario.code, f"{scenario.code} · {scenario.name}")
            )
        self.fields["scenario"].choices = [("", _("All scenarios")),
                                           *((link.name, opts) for link, opts in groups.items())]
        self.fields["assignee"].choices = [
            (self.ME, _("Me")),
            (self.ANYONE, _("Anyone")),
            (_("Reviewers"), [(str(user.pk), person_name(user))
                              for user in people.reviewers().order_by("username")]),
        ]

    def filters(self, user, default_assignee):
        """The keyword arguments of selectors.review_items for these filters."""
        self.is_valid()  # keeps the valid fields in cleaned_data even when one is not
        values = getattr(self, "cleaned_data", {})
        assignee = values.get("assignee") or default_assignee
        if assignee == self.ME:
            reviewer = user
        elif assignee == self.ANYONE:
            reviewer = None
        else:
            reviewer = people.reviewers().filter(pk=assignee).first()
        return {
            "status": values.get("status") or None,
            "scenario": values.get("scenario") or None,
            "sla_status": values.get("sla") or None,
            "reviewer": reviewer,
        }
