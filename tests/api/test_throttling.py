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

    from core.api.throttling import AnonymousRateThrottle

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


class TestFarBelowAHighRate:
    """At 1,000 a minute the margin is 10 (1%): requests well under it are admitted by the
    process and counted in the cache at the next reading."""

    @pytest.fixture(autouse=True)
    def high_rate(self, monkeypatch):
        from core.api import throttling
        from core.api.throttling import AnonymousRateThrottle

        self.clock = {"now": 6000.0, "monotonic": 50.0}
        monkeypatch.setattr(AnonymousRateThrottle, "timer", lambda _: self.clock["now"])
        monkeypatch.setattr(throttling.time, "monotonic", lambda: self.clock["monotonic"])
        monkeypatch.setattr(AnonymousRateThrottle, "get_rate", lambda _: "1000/min")
        self.reads = 0
        real = throttling.count_within

        def counted(*args, **kwargs):
            self.reads += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(throttling, "count_within", counted)

    def ask(self, address="203.0.113.9"):
        from django.contrib.auth.models import AnonymousUser
        from django.test import RequestFactory
        from rest_framework.request import Request

        from core.api.throttling import AnonymousRateThrottle

        request = Request(RequestFactory().get(URL, REMOTE_ADDR=address))
        request.user = AnonymousUser()
        return AnonymousRateThrottle().allow_request(request, None)

    def counter(self, window=100, address="203.0.113.9"):
        from django.core.cache import cache

        return cache.get(f"throttle_anon_{address}:{window}", 0)

    def test_the_cache_is_read_once_per_margin_and_every_request_is_counted(self):
        assert all(self.ask() for _ in range(20))
        # Read by the 1st and the 11th request (which added the 9 admitted between).
        assert self.reads == 2 and self.counter() == 11
        assert self.ask()  # the 21st: reads again, adding the 9 admitted since
        assert self.reads == 3 and self.counter() == 21

    def test_near_the_rate_every_request_is_counted_first_and_none_passes_it(self):
        from django.core.cache import cache

        cache.set("throttle_anon_203.0.113.9:100", 980, 120)
        answers = [self.ask() for _ in range(25)]
        assert answers == [True] * 20 + [False] * 5
        assert self.counter() == 1000
        assert self.reads >= 10  # within the margin of the rate: no request on trust

    def test_others_using_the_budget_are_noticed_within_the_margin(self):
        from django.core.cache import cache

        assert self.ask()
        cache.set("throttle_anon_203.0.113.9:100", 1000, 120)  # other processes used it up
        answers = [self.ask() for _ in range(20)]
        assert answers.count(True) < 10  # the margin: never more past the rate
        assert answers[-1] is False

    def test_a_reading_is_trusted_for_a_second_at_most(self):
        assert self.ask()
        self.clock["monotonic"] += 0.5
        assert self.ask() and self.reads == 1
        self.clock["monotonic"] += 0.6
        assert self.ask() and self.reads == 2
        assert self.counter() == 3

    def test_requests_admitted_late_in_a_window_are_counted_in_it(self):
        assert all(self.ask() for _ in range(5))  # 1 read, 4 admitted on trust
        self.clock["now"] += 60  # the next window
        assert self.ask()
        assert self.counter(window=100) == 5 and self.counter(window=101) == 1

    def test_low_rates_are_always_counted_first(self, monkeypatch):
        from core.api.throttling import AnonymousRateThrottle

        monkeypatch.setattr(AnonymousRateThrottle, "get_rate", lambda _: "120/min")
        assert all(self.ask() for _ in range(5))
        assert self.reads == 5
