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


def test_a_broker_that_is_down_is_degraded_and_leaves_the_instance_ready(client, settings):
    # Events wait in the outbox until the broker returns; no request needs it to succeed.
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["broker"]["status"] == "degraded"
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
            "BACKEND": "core.cache.RedisCache",
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
    settings.CACHES = {"default": {"BACKEND": "core.cache.RedisCache", "LOCATION": redis_url}}
    response = client.get("/healthz")
    assert response.json()["components"]["cache"]["status"] == "ok"


@pytest.fixture
def cluster_unreachable(settings):
    """Elasticsearch configured at a port nothing listens on: reads fall back to the database."""
    settings.REDIS_URL = ""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"
    settings.ELASTICSEARCH_TIMEOUT = 0.5


@pytest.mark.parametrize("url", ["/healthz/ready", "/healthz"])
def test_search_falling_back_to_the_database_is_degraded_with_200(client, cluster_unreachable,
                                                                 url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["components"]["search"] == {"status": "degraded"}
    assert body["components"]["database"]["status"] == "ok"


def test_a_search_client_that_raises_instead_of_answering_counts_as_unreachable(
    client, cluster_unreachable, monkeypatch
):
    from search.backends.elasticsearch import ElasticsearchBackend

    def refused(self):  # a client that raises (e.g. a cluster refusing its version) on ping
        raise ValueError("media_type_header_exception")

    monkeypatch.setattr(ElasticsearchBackend, "ping", refused)
    response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["components"]["search"] == {"status": "degraded"}


def test_readiness_is_503_when_neither_the_cluster_nor_the_database_index_answers(
    client, cluster_unreachable, monkeypatch
):
    from search.backends.database import DatabaseBackend

    monkeypatch.setattr(DatabaseBackend, "ping", lambda self: False)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["components"]["search"] == {"status": "failing"}


def test_readiness_is_503_when_only_the_database_is_down(client, settings, monkeypatch):
    from django.db import OperationalError

    from config import views

    settings.REDIS_URL = ""

    def database():
        raise OperationalError("connection refused")

    monkeypatch.setitem(views.__dict__, "_check_database", database)
    monkeypatch.setitem(views.__dict__, "_check_search", lambda: None)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["components"]["database"] == {"status": "failing"}
    assert body["components"]["search"] == {"status": "ok"}


def test_healthz_gives_the_readiness_answer(client, settings):
    settings.REDIS_URL = ""
    ready = client.get("/healthz/ready")
    assert client.get("/healthz").json() == ready.json()
    assert ready.status_code == 200


def test_liveness_answers_200_without_asking_any_dependency(
    client, settings, monkeypatch, django_assert_num_queries
):
    from config import views

    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1

    def down():
        raise ConnectionError("down")

    for name in ("_check_database", "_check_search", "_check_broker", "_check_cache"):
        monkeypatch.setitem(views.__dict__, name, down)
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("url", ["/healthz", "/healthz/live", "/healthz/ready"])
def test_health_urls_answer_plain_http_probes_without_a_redirect(client, settings, url):
    """The container's probe and load balancers speak plain HTTP to gunicorn."""
    settings.SECURE_SSL_REDIRECT = True
    settings.REDIS_URL = ""
    assert client.get(url).status_code == 200
    assert client.get("/healthz/other").status_code == 301  # only the health URLs are exempt


def test_search_at_a_listener_that_never_answers_is_degraded(client, settings):
    import socket

    # Accepts connections (the kernel's backlog) but never answers: the client times out.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.REDIS_URL = ""
        settings.SEARCH_BACKEND = "elasticsearch"
        settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{silent.getsockname()[1]}"
        settings.ELASTICSEARCH_TIMEOUT = 0.3
        response = client.get("/healthz/ready")
    assert response.status_code == 200
    assert response.json()["components"]["search"] == {"status": "degraded"}


def test_the_compose_web_probe_asks_readiness_over_plain_http():
    """Readiness, so a search, broker or cache outage (200, degraded) keeps web instances in."""
    import re
    from pathlib import Path

    import yaml
    from django.conf import settings
    from django.urls import resolve

    from config.views import readiness

    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker/compose.yml").read_text())
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    path = re.search(r"http://127\.0\.0\.1:8000/([\w/]*)", probe).group(1)
    # Named by its own address, so whoever reads compose sees the probe's meaning.
    assert resolve("/" + path).url_name == "healthz-ready"
    assert resolve("/" + path).func is readiness
    assert any(re.search(pattern, path) for pattern in settings.SECURE_REDIRECT_EXEMPT)
