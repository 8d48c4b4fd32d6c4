"""/healthz is public: it names the components and their states, never what failed inside
them (hosts, ports, exception text). Operators see the details; the log always has them."""

import pytest

from accounts.models import Membership
from tests.factories import MembershipFactory, OperatorFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

LEAKS = ["10.0.0.5", "db.internal", "5432", "127.0.0.1", "OperationalError", "ConnectionError",
         "refused", "Traceback", "search cluster"]


@pytest.fixture
def everything_failing(settings, monkeypatch):
    from django.db import OperationalError

    from config import views

    def database():
        raise OperationalError('connection to server at "db.internal" (10.0.0.5), '
                               "port 5432 failed: Connection refused")

    def search():
        raise ConnectionError("search cluster http://10.0.0.5:9200 refused the connection")

    monkeypatch.setitem(views.__dict__, "_check_database", database)
    monkeypatch.setitem(views.__dict__, "_check_search", search)
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.mark.parametrize("url", ["/healthz", "/healthz/ready"])
def test_anonymous_healthz_shows_component_states_but_no_host_port_or_exception(
    client, everything_failing, url
):
    response = client.get(url)
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"status", "components"}
    assert body["status"] == "failing"
    # The cache is a component too where one is configured (REDIS_URL): a state, nothing else.
    assert {name: state for name, state in body["components"].items() if name != "cache"} == {
        "database": {"status": "failing"}, "search": {"status": "failing"},
        "broker": {"status": "degraded"},  # not essential: events wait in the outbox
    }
    assert all(set(state) == {"status"} for state in body["components"].values())
    text = response.content.decode()
    assert not [leak for leak in LEAKS if leak in text]


@pytest.mark.parametrize("who", ["vendor member", "plain user"])
def test_signed_in_non_operators_get_the_public_answer(client, everything_failing, who):
    if who == "vendor member":
        user = MembershipFactory(organization=VendorFactory()).user
    else:
        user = UserFactory()
    client.force_login(user)
    text = client.get("/healthz").content.decode()
    assert not [leak for leak in LEAKS if leak in text]


@pytest.mark.parametrize("who", ["operator member", "superuser"])
def test_operators_see_what_failed(client, everything_failing, who):
    if who == "superuser":
        user = UserFactory(is_superuser=True, is_staff=True)
    else:
        user = MembershipFactory(organization=OperatorFactory(),
                                 role=Membership.Role.MEMBER).user
    client.force_login(user)
    response = client.get("/healthz")
    assert response.status_code == 503
    components = response.json()["components"]
    assert "db.internal" in components["database"]["error"]
    assert components["database"]["error"].startswith("OperationalError")
    assert "ConnectionError" in components["search"]["error"]
    assert components["broker"]["error"]


def test_what_failed_goes_to_the_log(client, everything_failing, caplog):
    client.get("/healthz")
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "db.internal" in logged


def test_liveness_names_nothing(client, everything_failing):
    response = client.get("/healthz/live")
    assert response.json() == {"status": "ok"}


@pytest.fixture
def cluster_unreachable(settings):
    settings.REDIS_URL = ""
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:1"  # nothing listens on port 1
    settings.ELASTICSEARCH_TIMEOUT = 0.5


def test_a_degraded_search_is_a_state_for_the_public(client, cluster_unreachable):
    response = client.get("/healthz/ready")
    assert response.json()["components"]["search"] == {"status": "degraded"}
    assert "127.0.0.1" not in response.content.decode()


def test_operators_see_why_search_is_degraded(client, cluster_unreachable):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    search = client.get("/healthz/ready").json()["components"]["search"]
    assert search["status"] == "degraded"
    assert "answered by the database backend" in search["error"]
