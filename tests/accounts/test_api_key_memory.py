"""A process remembers the API keys it has checked: no queries to authenticate a partner's
next request, yet a revocation, a lost admin or an expiry is honoured (at once in the
process that made the change, within API_KEY_CACHE_SECONDS in every other)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from accounts import services
from accounts.api import authentication
from accounts.api.authentication import PRINCIPALS, APIKeyAuthentication
from accounts.models import APIKey, Membership
from catalog.selectors import sees_only_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "api-key-memory-tests",
        }
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def raw_key(enterprise, enterprise_user, own_cache):
    _, raw = services.create_api_key(actor=enterprise_user, organization=enterprise,
                                     name="ERP", scopes=["catalog:read"])
    return raw


def authenticate(raw):
    request = Request(RequestFactory().get("/api/v1/solutions/",
                                           HTTP_AUTHORIZATION=f"Api-Key {raw}"))
    return APIKeyAuthentication().authenticate(request)


def another_process_changed_something():
    """What a commit in another process leaves behind: the shared version moved, while this
    process still holds its entries."""
    cache.incr(PRINCIPALS.key)


def test_a_remembered_key_costs_no_queries(raw_key, enterprise):
    user, key = authenticate(raw_key)
    assert user.service_organization == enterprise
    assert sees_only_published(user) is True
    with CaptureQueriesContext(connection) as queries:
        again, same_key = authenticate(raw_key)
        assert sees_only_published(again) is True
    assert len(queries) == 0
    assert same_key.pk == key.pk


def test_revoking_in_this_process_is_honoured_at_once(raw_key, enterprise_user):
    _, key = authenticate(raw_key)
    services.revoke_api_key(actor=enterprise_user, key=APIKey.objects.get(pk=key.pk))
    with pytest.raises(AuthenticationFailed):
        authenticate(raw_key)


def test_a_change_elsewhere_is_honoured_within_the_interval(raw_key, settings, monkeypatch):
    settings.API_KEY_CACHE_SECONDS = 1
    clock = {"now": 500.0}
    monkeypatch.setattr("core.cache.time.monotonic", lambda: clock["now"])
    _, key = authenticate(raw_key)
    # Revoked by another process: a bulk update sends no signal here.
    APIKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    another_process_changed_something()
    clock["now"] += 0.5
    assert authenticate(raw_key)[1].pk == key.pk  # within the interval: still remembered
    clock["now"] += 0.6
    with pytest.raises(AuthenticationFailed):
        authenticate(raw_key)


def test_the_change_is_announced_after_commit(raw_key, enterprise_user,
                                              django_capture_on_commit_callbacks):
    authenticate(raw_key)
    before = cache.get(PRINCIPALS.key)
    with django_capture_on_commit_callbacks(execute=True):
        services.revoke_api_key(actor=enterprise_user, key=APIKey.objects.get())
    assert cache.get(PRINCIPALS.key) != before


def test_expiry_is_checked_on_every_request(raw_key):
    key = APIKey.objects.get()
    key.expires_at = timezone.now() + timedelta(minutes=5)
    key.save()
    authenticate(raw_key)
    with time_machine.travel(timezone.now() + timedelta(minutes=6)), pytest.raises(
        AuthenticationFailed
    ):
        authenticate(raw_key)


def test_a_suspended_organisation_loses_its_keys(raw_key, enterprise):
    user, _ = authenticate(raw_key)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    assert authenticate(raw_key)  # a bulk update: no signal, the entry stands...
    user.refresh_from_db()
    user.save()  # ...a saved user retires it
    with pytest.raises(AuthenticationFailed):
        authenticate(raw_key)


def test_the_key_makers_other_memberships_never_reach_the_key(raw_key, enterprise_user,
                                                              vendor):
    user, _ = authenticate(raw_key)
    assert sees_only_published(user) is True
    Membership.objects.create(user=enterprise_user, organization=vendor,
                              role=Membership.Role.OWNER)
    user, _ = authenticate(raw_key)
    assert sees_only_published(user) is True
    assert list(user.memberships.values_list("organization__kind", flat=True)) == [
        "enterprise"
    ]


def test_a_sign_in_does_not_retire_remembered_keys(raw_key, enterprise_user):
    authenticate(raw_key)
    enterprise_user.last_login = timezone.now()
    enterprise_user.save(update_fields=["last_login"])
    assert len(authentication._principals) == 1
    enterprise_user.is_active = False
    enterprise_user.save()
    assert len(authentication._principals) == 0


def test_remembered_keys_are_bounded(enterprise, enterprise_user, own_cache, monkeypatch):
    monkeypatch.setattr(authentication, "REMEMBERED_KEYS", 2)
    raws = [services.create_api_key(actor=enterprise_user, organization=enterprise,
                                    name=f"Key {n}", scopes=["catalog:read"])[1]
            for n in range(3)]
    for raw in raws:
        authenticate(raw)
    assert len(authentication._principals) == 2
