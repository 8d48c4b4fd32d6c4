"""The organisation profile's web form. It lives on the catalog's floor because it names the
taxonomy's regions; the write is accounts.services.update_organization."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import limits as org_limits
from accounts.forms import ServiceErrorsMixin
from accounts.models import Organization

from .formsets import capped_formset, rows
from .models import Industry, Region, Scenario

URL_MAX = Organization._meta.get_field("website").max_length


def region_choices():
    return [(region.code, region.name) for region in Region.objects.all()]


class ProfileForm(ServiceErrorsMixin, forms.Form):
    """What vendors and enterprises alike keep; vendors also list the regions they serve."""

    name = forms.CharField(label=_("Name (English)"), max_length=200)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=200, required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    website = forms.URLField(label=_("Website"), max_length=URL_MAX, required=False,
                             assume_scheme="https")
    description = forms.CharField(
        label=_("Description (English)"), required=False,
        max_length=org_limits.ORGANIZATION_DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}))
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False,
        max_length=org_limits.ORGANIZATION_DESCRIPTION_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}))
    logo = forms.FileField(
        label=_("Logo"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("PNG, JPEG or WebP, at most 1 MiB. Shown on your cards and pages to "
                    "everyone."))
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    service_regions = forms.MultipleChoiceField(
        label=_("Regions served"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organization, **kwargs):
        initial = {
            name: getattr(organization, name)
            for name in ("name", "name_zh", "region", "website", "description",
                         "description_zh", "service_regions")
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.organization = organization
        regions = region_choices()
        self.fields["region"].choices = [("", _("Not given")), *regions]
        self.fields["service_regions"].choices = regions
        if not organization.is_vendor:
            del self.fields["service_regions"]

    def clean_service_regions(self):
        value = self.cleaned_data["service_regions"]
        if len(value) > org_limits.SERVICE_REGIONS_MAX:
            raise forms.ValidationError(_("Choose at most %(limit)d regions.")
                                        % {"limit": org_limits.SERVICE_REGIONS_MAX})
        return value

    def profile_data(self):
        data = {name: self.cleaned_data[name] for name in self.fields
                if name not in ("logo", "remove_logo")}
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            data["logo"] = None
        return data


class CertificationForm(forms.Form):
    name = forms.CharField(label=_("Certification"),
                           max_length=org_limits.CERTIFICATION_TEXT_MAX_CHARS)
    issuer = forms.CharField(label=_("Issued by"), required=False,
                             max_length=org_limits.CERTIFICATION_TEXT_MAX_CHARS)
    number = forms.CharField(label=_("Certificate number"), required=False,
                             max_length=org_limits.CERTIFICATION_TEXT_MAX_CHARS)
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Contact name"), max_length=org_limits.CONTACT_TEXT_MAX_CHARS)
    title = forms.CharField(label=_("Job title"), required=False,
                            max_length=org_limits.CONTACT_TEXT_MAX_CHARS)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False,
                            max_length=org_limits.CONTACT_TEXT_MAX_CHARS)

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not (cleaned.get("email") or cleaned.get("phone")):
            self.add_error("email", _("Give an email address or a phone number."))
        return cleaned


CertificationFormSet = capped_formset(CertificationForm, org_limits.CERTIFICATIONS_MAX)
ContactFormSet = capped_formset(ContactForm, org_limits.CONTACTS_MAX)
FORMSET_LIMITS = {"certifications": org_limits.CERTIFICATIONS_MAX,
                  "contacts": org_limits.CONTACTS_MAX}


def certification_rows(formset):
    return [
        {"name": row["name"], "issuer": row.get("issuer", ""), "number": row.get("number", ""),
         "valid_until": row["valid_until"].isoformat() if row.get("valid_until") else ""}
        for row in rows(formset)
    ]


def contact_rows(formset):
    return [{key: row.get(key, "") for key in ("name", "title", "email", "phone")}
            for row in rows(formset)]


class VendorDirectoryForm(forms.Form):
    """The directory's filters, read from the query string; unknown values are ignored."""

    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    scenario = forms.ChoiceField(label=_("Scenario"), required=False)
    industry = forms.ChoiceField(label=_("Industry"), required=False)
    show = forms.ChoiceField(label=_("Verification"), required=False, choices=[
        ("", _("Verified providers only")),
        ("all", _("Also those awaiting verification")),
    ])

    def __init__(self, *args, offer_unverified=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not offer_unverified:
            # An organisation awaiting verification is a stranger's claim the operator has
            # not checked yet: only operator staff may list those.
            del self.fields["show"]
        self.fields["region"].choices = [("", _("All regions")), *region_choices()]
        self.fields["scenario"].choices = [("", _("All scenarios")), *(
            (scenario.code, f"{scenario.code} · {scenario.name}")
            for scenario in Scenario.objects.order_by("code"))]
        self.fields["industry"].choices = [("", _("All industries")), *(
            (industry.code, industry.name) for industry in Industry.objects.all())]

    def filters(self):
        self.is_valid()  # keeps the valid fields in cleaned_data even when one is not
        values = getattr(self, "cleaned_data", {})
        return {name: values.get(name) or "" for name in self.fields}
