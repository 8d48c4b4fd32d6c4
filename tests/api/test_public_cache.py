"""The anonymous public catalog list is served from the cache until something changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as account_services
from catalog import services
from catalog.models import SolutionStatus
from core import public_cache
from core.public_cache import HIT_HEADER
from tests.factories import SolutionFactory

URL = "/api/v1/solutions/?page_size=50"


@pytest.fixture
def cache_on(settings):
    settings.API_PUBLIC_CACHE_SECONDS = 30
    # The version is read on every request here; its interval has a test of its own.
    settings.API_PUBLIC_CACHE_VERSION_SECONDS = 0
    # A cache of this test's own: entries never outlive it or leak into another test.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "public-cache-tests",
        }
    }
    from django.core.cache import cache

    cache.clear()
    public_cache.forget_local()
    yield
    cache.clear()
    public_cache.forget_local()


def published(vendor, **fields):
    return SolutionFactory(
        vendor=vendor, status=SolutionStatus.PUBLISHED, published_at=timezone.now(), **fields
    )


def titles(response):
    return [
        row["title_en"] if "title_en" in row else row["title"] for row in response.json()["results"]
    ]


@pytest.mark.django_db
def test_a_repeated_anonymous_list_is_served_from_the_cache_without_queries(api, vendor, cache_on):
    published(vendor, title_en="Spindle monitor")
    first = api.get(URL)
    assert first.status_code == 200
    assert first[HIT_HEADER] == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = api.get(URL)
    assert second.status_code == 200
    assert second[HIT_HEADER] == "hit"
    assert len(queries) == 0
    assert second.content == first.content
    assert second["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_change_retires_the_cached_answer(api, vendor, vendor_user, cache_on, on_commit):
    keep = published(vendor, title_en="Spindle monitor")
    gone = published(vendor, title_en="Energy dashboard")
    assert {"Spindle monitor", "Energy dashboard"} <= set(titles(api.get(URL)))
    assert api.get(URL)[HIT_HEADER] == "hit"

    with on_commit():
        services.archive_solution(actor=vendor_user, solution=gone)

    fresh = api.get(URL)
    assert fresh[HIT_HEADER] == "miss"
    assert "Energy dashboard" not in titles(fresh)
    assert keep.title_en in titles(fresh)


@pytest.mark.django_db
def test_each_query_and_language_has_its_own_entry(api, vendor, cache_on):
    published(vendor, title_en="Spindle monitor", title_zh="主轴监测")
    english = api.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    chinese = api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese[HIT_HEADER] == "miss"
    assert chinese.content != english.content
    assert api.get(URL + "&ordering=id")[HIT_HEADER] == "miss"
    assert api.get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")[HIT_HEADER] == "hit"


@pytest.mark.django_db
def test_vendors_and_their_keys_always_get_a_fresh_answer(api_as, vendor, vendor_user, cache_on):
    published(vendor)
    draft = SolutionFactory(vendor=vendor, title_en="My unpublished draft")
    client = api_as(vendor_user)
    for _ in range(2):
        response = client.get(URL)
        assert HIT_HEADER not in response
    # The vendor's own draft is in its answer, which therefore must never be shared.
    assert draft.pk in [row["id"] for row in response.json()["results"]]

    _, raw = account_services.create_api_key(
        actor=vendor_user, organization=vendor, name="CRM", scopes=["catalog:read"]
    )
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    for _ in range(2):
        response = keyed.get(URL)
        assert response.status_code == 200
        assert HIT_HEADER not in response


@pytest.mark.django_db
def test_no_cache_when_turned_off(api, vendor, settings, cache_on):
    settings.API_PUBLIC_CACHE_SECONDS = 0
    published(vendor)
    for _ in range(2):
        assert HIT_HEADER not in api.get(URL)


@pytest.mark.django_db
def test_operators_always_get_a_fresh_answer(api_as, vendor, reviewer, cache_on):
    published(vendor)
    draft = SolutionFactory(vendor=vendor, title_en="Someone's draft")
    client = api_as(reviewer)
    for _ in range(2):
        response = client.get(URL)
        assert HIT_HEADER not in response
    assert draft.pk in [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
def test_enterprises_and_their_keys_share_the_anonymous_answer(
    api, api_as, vendor, enterprise, enterprise_user, cache_on
):
    published(vendor, title_en="Spindle monitor")
    SolutionFactory(vendor=vendor, title_en="Unpublished draft")
    anonymous = api.get(URL)
    assert anonymous[HIT_HEADER] == "miss"

    signed_in = api_as(enterprise_user).get(URL)
    assert signed_in[HIT_HEADER] == "hit"
    assert signed_in.content == anonymous.content

    _, raw = account_services.create_api_key(
        actor=enterprise_user, organization=enterprise, name="ERP", scopes=["catalog:read"]
    )
    keyed = APIClient()
    keyed.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert keyed.get(URL)[HIT_HEADER] == "hit"
    assert "Unpublished draft" not in titles(keyed.get(URL))

    # The key's scope is still checked before the cache is asked.
    _, narrow = account_services.create_api_key(
        actor=enterprise_user,
        organization=enterprise,
        name="Webhooks only",
        scopes=["webhooks:manage"],
    )
    refused = APIClient()
    refused.credentials(HTTP_AUTHORIZATION=f"Api-Key {narrow}")
    assert refused.get(URL).status_code == 403


def another_worker():
    """What a second worker process would hold: nothing of this one's memory."""
    public_cache.forget_local()


@pytest.mark.django_db
def test_a_hit_needs_no_trip_to_the_shared_cache_and_other_workers_share_the_entry(
    api, vendor, cache_on, monkeypatch
):
    from django.core.cache import cache

    published(vendor, title_en="Spindle monitor")
    first = api.get(URL)
    asked = []
    real_get = type(cache._connections["default"]).get
    monkeypatch.setattr(
        type(cache._connections["default"]), "get",
        lambda self, key, *args, **kwargs: (
            key.startswith("api:public") and asked.append(key)
        ) or real_get(self, key, *args, **kwargs),
    )
    assert api.get(URL)[HIT_HEADER] == "hit"
    assert asked == [public_cache.VERSION_KEY]  # the version only: the copy is this worker's

    another_worker()
    asked.clear()
    with CaptureQueriesContext(connection) as queries:
        shared = api.get(URL)
    assert shared[HIT_HEADER] == "hit" and len(queries) == 0
    assert shared.content == first.content
    assert len(asked) == 2  # the version, then the shared entry


@pytest.mark.django_db
def test_the_version_is_read_at_most_once_per_interval(
    api, vendor, vendor_user, cache_on, settings, monkeypatch
):
    """Another process bumps the version: this one notices after the interval, not before."""
    settings.API_PUBLIC_CACHE_VERSION_SECONDS = 1
    clock = {"now": 1000.0}
    monkeypatch.setattr(public_cache.time, "monotonic", lambda: clock["now"])
    published(vendor, title_en="Spindle monitor")
    assert api.get(URL)[HIT_HEADER] == "miss"
    published(vendor, title_en="Energy dashboard")
    from django.core.cache import cache

    cache.incr(public_cache.VERSION_KEY)  # as another process dispatching the event would

    clock["now"] += 0.5
    stale = api.get(URL)
    assert stale[HIT_HEADER] == "hit" and "Energy dashboard" not in titles(stale)
    clock["now"] += 0.6
    fresh = api.get(URL)
    assert fresh[HIT_HEADER] == "miss" and "Energy dashboard" in titles(fresh)


@pytest.mark.django_db
def test_a_worker_copy_expires_with_the_entry(api, vendor, cache_on, monkeypatch):
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(public_cache.time, "time", lambda: clock["now"])
    published(vendor)
    assert api.get(URL)[HIT_HEADER] == "miss"
    clock["now"] += 29
    assert api.get(URL)[HIT_HEADER] == "hit"
    clock["now"] += 2  # past API_PUBLIC_CACHE_SECONDS: neither copy may be served
    assert api.get(URL)[HIT_HEADER] == "miss"


@pytest.mark.django_db
def test_worker_copies_are_bounded(api, vendor, cache_on, monkeypatch):
    monkeypatch.setattr(public_cache, "LOCAL_ENTRIES", 3)
    published(vendor)
    urls = [f"{URL}&page_size={size}" for size in (10, 11, 12, 13)]
    for url in urls:
        assert api.get(url)[HIT_HEADER] == "miss"
    assert len(public_cache._local) == 3
    from django.core.cache import cache

    cache.clear()  # the shared entries are gone too: only a worker copy could answer now
    public_cache.VERSION.forget()
    # A flushed cache draws a new version, so even the copies still held are not served.
    assert all(api.get(url)[HIT_HEADER] == "miss" for url in urls[1:])
