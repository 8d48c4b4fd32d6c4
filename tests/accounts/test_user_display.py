"""allauth's messages and mails name a person by the name they gave at sign-up (as the
dashboard does), not by the username allauth derived from their email address."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Xq7!long-enough-pass"


def _sign_in(client, login, password):
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_welcome_after_verifying_names_the_person(client):
    client.post(reverse("account_signup"), {"name": "刘洋", "email": "liu.yang@factory.cn",
                                            "password1": PASSWORD, "password2": PASSWORD})
    confirm = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    response = client.post(confirm)
    told = [str(m) for m in get_messages(response.wsgi_request)]
    assert "Successfully signed in as 刘洋." in told
    assert not any("liu.yang" in m and "signed in" in m for m in told)


def test_someone_without_a_name_is_named_by_username(client):
    user = UserFactory(username="wang.wei", first_name="", last_name="")
    assert "Successfully signed in as wang.wei." in _sign_in(client, user.username,
                                                             "pass-word-123")
