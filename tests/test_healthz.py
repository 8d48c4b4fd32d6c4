import pytest

pytestmark = pytest.mark.django_db


def test_healthz_reports_each_component(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    components = response.json()["components"]
    assert components["database"]["status"] == "ok"
    assert components["search"]["status"] == "ok"
    assert components["broker"]["status"] == "not configured"


def test_healthz_is_503_when_a_configured_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["components"]["broker"]["status"] == "failing"
    assert body["components"]["database"]["status"] == "ok"


def test_healthz_is_503_when_the_search_backend_fails(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    from config import views

    def failing():
        raise ConnectionError("cluster unreachable")

    monkeypatch.setitem(views.__dict__, "_check_search", failing)
    checks = views.component_checks()
    assert checks["search"] is failing
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["components"]["search"]["status"] == "failing"


def test_healthz_reports_a_cache_that_is_down_as_degraded_not_failing(client, settings):
    settings.REDIS_URL = ""
    settings.CACHE_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.RedisCache",
            "LOCATION": settings.CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 200  # the API still answers, from the database
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["cache"]["status"] == "degraded"
    # Why it failed is for the log and operators only (tests/security/test_healthz_privacy.py).
    assert "error" not in body["components"]["cache"]


def test_healthz_checks_a_configured_cache(client, settings):
    import os

    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("needs REDIS_URL (CI sets it)")
    settings.REDIS_URL = ""
    settings.CACHE_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "config.cache.RedisCache", "LOCATION": redis_url}}
    response = client.get("/healthz")
    assert response.json()["components"]["cache"]["status"] == "ok"
