"""Forms of accounts, and the mixin every form uses whose write goes through a service."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _


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
