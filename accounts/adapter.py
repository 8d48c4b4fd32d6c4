"""How django-allauth fits the product: who may sign up, what a new person starts with, and
who can never sign in through it (an organisation's service account)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils.translation import get_language

from .members import selectors as members


def user_display(user):
    """How allauth's messages and mails name a person (ACCOUNT_USER_DISPLAY): the name they
    gave when signing up, as the site's own pages do, else their username."""
    return user.get_full_name().strip() or user.get_username()


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Closed to strangers, sign-up stays open to someone who opened a pending invitation.
        return settings.ACCOUNT_ALLOW_SIGNUP or members.invited_to_sign_up(request)

    def save_user(self, request, user, form, commit=True):
        # A new person reads the product in the language they signed up in.
        user.preferred_language = (get_language() or settings.LANGUAGE_CODE)[:10]
        return super().save_user(request, user, form, commit=commit)

    def pre_login(self, request, user, **kwargs):
        # The principal of an organisation's API keys has no password, but nothing else may
        # sign in as it either (a social account, a login code).
        if getattr(user, "is_service_account", False):
            return self.respond_user_inactive(request, user)
        return super().pre_login(request, user, **kwargs)
