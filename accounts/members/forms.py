"""Forms of the members and API-key pages."""

from datetime import datetime, time

from django import forms
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.forms import ServiceErrorsMixin
from accounts.models import Invitation, Membership
from accounts.services import API_KEY_SCOPES_BY_KIND

# What each scope lets a key do, in the reader's language (accounts.services.API_KEY_SCOPES
# holds the API's English descriptions; a test keeps the two lists the same).
SCOPE_LABELS = {
    "catalog:read": _("Read the catalog, taxonomy and the organisation's own items"),
    "solutions:write": _("Create and edit the organisation's solutions"),
    "needs:write": _("Post and close the organisation's needs"),
    "quotes:write": _("Send quote requests and answer them, message, rate"),
    "reviews:read": _("Read the review queue and review progress"),
    "maturity:write": _("Write the organisation's maturity assessments and factory "
                        "registrations"),
    "organization:write": _("Edit the organisation's profile (name, region, website, …)"),
    "webhooks:manage": _("Manage the organisation's webhook subscriptions and deliveries"),
    "keys:manage": _("List, create and revoke the organisation's keys (never wider than "
                     "itself)"),
}


class InviteForm(ServiceErrorsMixin, forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Invitation.Role.choices,
                             initial=Invitation.Role.MEMBER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class TransferForm(ServiceErrorsMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("New owner"), queryset=Membership.objects.none(),
                                    empty_label=None)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = candidates
        self.fields["member"].label_from_instance = (
            lambda membership: f"{membership.user.get_full_name() or membership.user.username}"
                               f" ({membership.get_role_display()})")


class APIKeyForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100,
                           help_text=_("What the key is for, e.g. “ERP sync”."))
    scopes = forms.MultipleChoiceField(label=_("Scopes"), widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Give the key only what it needs."))
    expires_on = forms.DateField(label=_("Expires on"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("Optional. The key stops working at the end "
                                             "of this day."))

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = sorted(API_KEY_SCOPES_BY_KIND[organization.kind])
        self.fields["scopes"].choices = [
            (scope, format_html("<span><code>{}</code> — {}</span>", scope, SCOPE_LABELS[scope]))
            for scope in allowed]

    def clean_expires_on(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        if day < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later day."))
        return day

    def expires_at(self):
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day, time.max))
