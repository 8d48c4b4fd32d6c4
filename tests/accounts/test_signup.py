"""Strangers join through django-allauth: sign-up with a verified email address, sign-in by
email or username, password reset, email change, lockout after repeated failures; and the
operator can close sign-up."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from accounts.models import User
from accounts.services import create_user, service_account
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Xq7!long-enough-pass"


def _link(message):
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def _sign_up(client, email="li.na@factory.cn", name="李娜", **extra):
    return client.post(reverse("account_signup"), {
        "name": name, "email": email, "password1": PASSWORD, "password2": PASSWORD, **extra})


@pytest.fixture
def rate_limits(settings):
    """The production rates and lockout, on a cache of this test's own."""
    settings.ACCOUNT_RATE_LIMITS = django_settings.ACCOUNT_RATE_LIMITS_DEFAULT
    cache.clear()
    yield
    cache.clear()


def test_sign_up_needs_the_email_verified_before_the_person_is_in(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="li.na@factory.cn")
    assert user.first_name == "李娜"
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    # Signing in before verifying is sent back to verify, not let in.
    response = client.post(reverse("account_login"),
                           {"login": "li.na@factory.cn", "password": PASSWORD})
    assert response.status_code == 302 and "_auth_user_id" not in client.session

    confirm = _link(mail.outbox[-1])
    response = client.post(confirm)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)
    # A new person has no organisation yet: the dashboard is where they start.
    assert client.get(reverse("dashboard")).status_code == 200


def test_sign_up_in_chinese_keeps_the_language(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    page = client.get(reverse("account_signup"))
    assert "注册" in page.content.decode()
    _sign_up(client)
    assert User.objects.get(email="li.na@factory.cn").preferred_language == "zh-hans"


def test_sign_up_refuses_a_taken_address_and_a_weak_password(client):
    UserFactory(email="taken@factory.cn")
    response = _sign_up(client, email="taken@factory.cn")
    # No enumeration: the form passes and the owner of the address is told by mail instead.
    assert User.objects.filter(email="taken@factory.cn").count() == 1
    response = client.post(reverse("account_signup"), {
        "name": "x", "email": "new@factory.cn", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(email="new@factory.cn").exists()


def test_sign_up_can_be_closed_by_the_operator(client, settings):
    settings.ACCOUNT_ALLOW_SIGNUP = False
    response = _sign_up(client)
    assert not User.objects.filter(email="li.na@factory.cn").exists()
    assert response.status_code == 200
    assert "account/signup_closed.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("login", ["wang.wei", "Wang.Wei@Factory.cn"])
def test_sign_in_by_username_or_email(client, login):
    user = create_user(username="wang.wei", password=PASSWORD, email="wang.wei@factory.cn")
    response = client.post(reverse("account_login"), {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_in_returns_to_the_page_asked_for_and_never_off_site(client):
    create_user(username="wang.wei", password=PASSWORD, email="wang.wei@factory.cn")
    data = {"login": "wang.wei", "password": PASSWORD}
    response = client.post(reverse("account_login") + "?next=/search/%3Fq%3Dweld", data)
    assert response.url == "/search/?q=weld"
    client.logout()
    response = client.post(reverse("account_login") + "?next=https://evil.example/", data)
    assert response.url == reverse("dashboard")


def test_the_old_sign_in_address_leads_to_the_new_one(client):
    response = client.get("/login/?next=/search/")
    assert response.status_code == 301
    assert response.url == reverse("account_login") + "?next=/search/"


def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
        client, rate_limits):
    create_user(username="wang.wei", password=PASSWORD, email="wang.wei@factory.cn")
    for _ in range(5):
        response = client.post(reverse("account_login"),
                               {"login": "wang.wei", "password": "wrong"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": "wang.wei", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    # Another person is not locked out by it.
    create_user(username="li.na", password=PASSWORD, email="li.na@factory.cn")
    response = client.post(reverse("account_login"), {"login": "li.na", "password": PASSWORD})
    assert response.status_code == 302


def test_password_reset_by_mail(client):
    user = create_user(username="wang.wei", password=PASSWORD, email="wang.wei@factory.cn")
    response = client.post(reverse("account_reset_password"), {"email": "wang.wei@factory.cn"})
    assert response.status_code == 302
    reset = _link(mail.outbox[-1])
    form_page = client.get(reset, follow=True)
    assert form_page.status_code == 200
    new = "Another-long-pass-42"
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain
                           else reset, {"password1": new, "password2": new})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_password_reset_of_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@factory.cn"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


def test_email_change_waits_for_the_new_address_to_be_verified(client):
    user = create_user(username="wang.wei", password=PASSWORD, email="wang.wei@factory.cn")
    client.force_login(user)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "w@new.cn"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "wang.wei@factory.cn"
    assert not EmailAddress.objects.get(email="w@new.cn").verified
    client.post(_link(mail.outbox[-1]))
    assert EmailAddress.objects.get(email="w@new.cn").verified


def test_an_organisations_service_account_cannot_sign_in(client):
    account = service_account(VendorFactory())
    account.set_password(PASSWORD)
    account.email = "svc@factory.cn"
    account.save()
    EmailAddress.objects.create(user=account, email="svc@factory.cn", verified=True,
                                primary=True)
    client.post(reverse("account_login"), {"login": account.username, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_people_the_operator_makes_have_their_address_verified():
    user = create_user(username="wang.wei", password=PASSWORD, email="Wang.Wei@factory.cn")
    assert EmailAddress.objects.get(user=user).verified


def test_after_verifying_the_new_person_lands_on_the_page_they_were_going_to(client):
    response = client.post(reverse("account_signup") + "?next=/search/%3Fq%3Dweld", {
        "name": "李娜", "email": "li.na@factory.cn", "password1": PASSWORD,
        "password2": PASSWORD})
    assert response.status_code == 302
    response = client.post(_link(mail.outbox[-1]))
    assert response.url == "/search/?q=weld"
    assert client.session["_auth_user_id"]
