"""Throttling: a budget per API key, per signed-in user and per anonymous client, with the
wait in Retry-After and the refusal in problem details."""

import uuid

import pytest
from rest_framework.test import APIClient

from accounts import services as accounts

pytestmark = pytest.mark.django_db

URL = "/api/v1/solutions/"


@pytest.fixture(autouse=True)
def tiny_rates(settings):
    """Rates small enough to reach, in a cache no other test counts in."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"throttling-{uuid.uuid4().hex}",
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "3/min", "api_key": "2/min"},
    }


def key_client(organization, admin, name="Portal"):
    _, raw = accounts.create_api_key(
        actor=admin, organization=organization, name=name, scopes=["catalog:read"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    wait = int(response["Retry-After"])
    assert 0 < wait <= 60
    body = response.json()
    assert body["status"] == 429 and body["type"] == "about:blank#throttled"
    assert body["retry_after"] == wait


def test_anonymous_client_is_refused_past_its_rate_with_retry_after(api):
    assert [api.get(URL).status_code for _ in range(2)] == [200, 200]
    assert_throttled(api.get(URL))


def test_anonymous_clients_are_counted_per_address():
    first, second = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
    for _ in range(2):
        assert first.get(URL).status_code == 200
    assert_throttled(first.get(URL))
    assert second.get(URL).status_code == 200


def test_a_forged_forwarded_for_does_not_reset_the_count(api):
    for n in range(2):
        assert api.get(URL, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code == 200
    assert_throttled(api.get(URL, HTTP_X_FORWARDED_FOR="203.0.113.99"))


def test_each_api_key_has_its_own_budget_not_its_user(vendor, vendor_user, api_as):
    crm, shop = key_client(vendor, vendor_user, "CRM"), key_client(vendor, vendor_user, "Shop")
    for _ in range(2):
        assert crm.get(URL).status_code == 200
    assert_throttled(crm.get(URL))
    # Another key of the same organisation (acting as the same admin) is not affected, nor
    # is the admin signed in on the web.
    assert shop.get(URL).status_code == 200
    assert api_as(vendor_user).get(URL).status_code == 200


def test_signed_in_users_are_counted_per_user(api_as, vendor_user, enterprise_user):
    for _ in range(3):
        assert api_as(vendor_user).get(URL).status_code == 200
    assert_throttled(api_as(vendor_user).get(URL))
    assert api_as(enterprise_user).get(URL).status_code == 200


def test_rates_come_from_the_settings(settings, api):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "5/min", "user": "3/min", "api_key": "2/min"},
    }
    assert [api.get(URL).status_code for _ in range(5)] == [200] * 5
    assert_throttled(api.get(URL))


def test_the_previous_window_counts_by_how_much_of_it_is_still_recent(monkeypatch):
    """Two counters per client, not a list of times: at half of a minute-long window, half
    of the previous minute's requests still count."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory
    from rest_framework.request import Request

    from config.throttling import AnonymousRateThrottle

    clock = {"now": 6000.0}  # the start of a window (6000 = 100 minutes)
    monkeypatch.setattr(AnonymousRateThrottle, "timer", lambda self: clock["now"])
    monkeypatch.setattr(AnonymousRateThrottle, "get_rate", lambda self: "10/min")
    request = Request(RequestFactory().get(URL, REMOTE_ADDR="203.0.113.9"))
    request.user = AnonymousUser()

    def ask():
        return AnonymousRateThrottle().allow_request(request, None)

    assert all(ask() for _ in range(10))  # the previous minute, full
    assert not ask()
    clock["now"] += 60 + 30  # halfway through the next minute: 5 of the 10 still count
    assert [ask() for _ in range(6)] == [True] * 5 + [False]
    throttle = AnonymousRateThrottle()
    assert not throttle.allow_request(request, None)
    assert 0 < throttle.wait() <= 60
