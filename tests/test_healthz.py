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
