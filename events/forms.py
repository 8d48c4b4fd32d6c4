from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import NotificationPreference
from .webhooks import services as webhooks
from .webhooks.topics import TOPICS


def _topic_choices():
    return [(topic.name, f"{topic.name} — {topic.description}") for topic in TOPICS.values()]


class WebhookForm(forms.Form):
    """A subscription's endpoint and topics; the services validate them again."""

    organization = forms.ModelChoiceField(queryset=None, label=_("Organisation"), empty_label=None)
    url = forms.URLField(
        label=_("Endpoint URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "A public https address. Deliveries are POSTed as JSON "
            "and signed with the secret shown after saving."
        ),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"), choices=_topic_choices, widget=forms.CheckboxSelectMultiple
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, organizations, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        self.fields["organization"].queryset = organizations
        # The organisation is asked only of someone who administers several.
        if editing or len(self.organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].required = False

    def clean_organization(self):
        chosen = self.cleaned_data.get("organization")
        if chosen is None and len(self.organizations) == 1:
            return self.organizations[0]
        return chosen

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webhooks.validate_url(url)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["url"]) from None
        return url


class NotificationPreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = ["email"]
        widgets = {"email": forms.RadioSelect}
