"""Two-factor sign-in (allauth's TOTP) for the people who hold an organisation's keys to the
house: with MFA_REQUIRED on, an owner or admin of an organisation and a reviewer set it up
before anything else; members are not asked; once set up, signing in asks for the code."""

import pytest
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from accounts.models import Membership
from tests.conftest import _member
from tests.factories import VendorFactory

FACTORY_PASSWORD = "pass-word-123"  # what tests.factories.UserFactory sets

pytestmark = pytest.mark.django_db


def _code(secret):
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


def test_an_owner_is_sent_to_set_up_two_factor_first(client, vendor_user, required):
    client.force_login(vendor_user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # Signing out, the account pages and the API stay reachable.
    assert client.get(reverse("account_email")).status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_a_reviewer_is_sent_too(client, reviewer, required):
    client.force_login(reviewer)
    assert client.get(reverse("review-queue")).url == reverse("mfa_activate_totp")


def test_a_member_and_a_visitor_are_not_asked(client, required):
    member = _member(VendorFactory(), role=Membership.Role.MEMBER)
    client.force_login(member)
    assert client.get(reverse("dashboard")).status_code == 200
    client.logout()
    assert client.get(reverse("home")).status_code == 200


def test_nobody_is_asked_when_it_is_off(client, vendor_user, settings):
    settings.MFA_REQUIRED = False
    client.force_login(vendor_user)
    assert client.get(reverse("dashboard")).status_code == 200


def _sign_in(client, user):
    return client.post(reverse("account_login"),
                       {"login": user.username, "password": FACTORY_PASSWORD})


def test_once_set_up_the_owner_goes_on_and_signing_in_asks_for_the_code(
        client, vendor_user, required):
    _sign_in(client, vendor_user)
    assert client.get(reverse("dashboard")).url == reverse("mfa_activate_totp")
    # allauth asks for the password again before an authenticator is added.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": FACTORY_PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200

    client.logout()
    response = _sign_in(client, vendor_user)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert client.session["_auth_user_id"] == str(vendor_user.pk)
