"""Forms of accounts, and the mixin every form uses whose write goes through a service."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from . import taxonomy
from .limits import ORGANIZATION_DESCRIPTION_MAX_CHARS
from .models import Organization
from .validators import normalize_credit_code, validate_credit_code


class ServiceErrorsMixin:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise at the top of the form (services know fields a form may not show)."""

    def add_service_error(self, error: ValidationError):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            target = field if field in self.fields else None
            if field == NON_FIELD_ERRORS:
                target = None
            for message in errors:
                self.add_error(target, message)


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up asks beyond an email address and a password: the name people
    will see on quotes, messages and reviews."""

    name = forms.CharField(
        label=_("Your name"), max_length=150,
        help_text=_("As colleagues and partners should see it, e.g. 王伟 or Wang Wei."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["name", "email", "password1", "password2"]

    def signup(self, request, user):
        user.first_name = self.cleaned_data["name"].strip()
        user.save(update_fields=["first_name"])


def _choices(pairs, empty):
    return [("", empty), *pairs]


class OrganizationRegistrationForm(ServiceErrorsMixin, forms.Form):
    """What a newcomer fills in to register their organisation (accounts.registration checks
    it again: names, codes, the credit code's check character). Regions and industries are
    offered by name, in the reader's language, from the catalog's taxonomy."""

    kind = forms.ChoiceField(
        label=_("Your organisation is"),
        widget=forms.RadioSelect,
        choices=[
            ("vendor", _("A solution provider: we sell digital-transformation products or "
                         "services (software, equipment, integration, consulting) and want to "
                         "publish solutions and answer requests for quotes.")),
            ("enterprise", _("An enterprise: we make things and are looking for solutions "
                             "for our factories; we want to post needs and ask for quotes.")),
        ],
    )
    name_zh = forms.CharField(label=_("Name in Chinese"), max_length=200, required=False,
                              help_text=_("As on the business licence, e.g. 苏州精工机械有限公司."))
    name = forms.CharField(label=_("Name in English"), max_length=200, required=False,
                           help_text=_("At least one of the two names."))
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=40,
        help_text=_("The 18-character code on the business licence (统一社会信用代码)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    region = forms.ChoiceField(label=_("Region"),
                               help_text=_("Where the organisation is registered."))
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 help_text=_("The industry you make for or serve most."))
    size = forms.ChoiceField(label=_("Size"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    logo = forms.FileField(
        label=_("Logo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP, at most 1 MiB. Shown on your cards and pages to "
                    "everyone."))
    description = forms.CharField(label=_("What the organisation does"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=ORGANIZATION_DESCRIPTION_MAX_CHARS)

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = _choices(taxonomy.region_choices(),
                                                 _("Choose a region"))
        self.fields["industry"].choices = _choices(taxonomy.industry_choices(),
                                                   _("Choose an industry (optional)"))
        self.fields["size"].choices = _choices(Organization.Size.choices,
                                               _("Choose a size (optional)"))
        if kinds is not None:
            self.fields["kind"].choices = [choice for choice in self.fields["kind"].choices
                                           if choice[0] in kinds]

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name") or "").strip() and not (cleaned.get("name_zh") or "").strip():
            self.add_error("name_zh", _("Give the organisation's name in Chinese or English "
                                        "(or both)."))
        return cleaned

    def service_data(self):
        """The registration's fields (the logo, set once at registration, apart)."""
        return {name: value for name, value in self.cleaned_data.items()
                if name not in {"kind", "logo"}}


class OrganizationDecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Required to reject: the applicant reads it."))
