"""Property-based run of every API operation against the live OpenAPI schema.

The schema is loaded from /api/v1/schema/ of the WSGI app itself; schemathesis generates
requests for each operation (valid and invalid ones), and each is sent once per role: a
vendor admin's key with every scope, an enterprise admin's key, an operator's key and
anonymous. Each answer must not be a server error, must use a documented status code and
must conform to the documented schema. Bounded and derandomized: a few examples per
operation, the same every run."""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as accounts
from accounts.models import Membership
from accounts.services import API_KEY_SCOPES_BY_KIND
from config.wsgi import application
from marketplace import services as marketplace
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    OperatorFactory,
    SolutionFactory,
    VendorFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _key(organization, role=Membership.Role.OWNER):
    admin = MembershipFactory(organization=organization, role=role).user
    _, raw = accounts.create_api_key(
        actor=admin, organization=organization, name="probe",
        scopes=sorted(API_KEY_SCOPES_BY_KIND[organization.kind]),
    )
    return {"Authorization": f"Api-Key {raw}"}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI handler closes "old" database connections at each request's start and end;
    inside the test's transaction that would close its connection on PostgreSQL (Django's
    own test client unhooks the same handler while it calls the app)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def role_headers(db):
    """Headers per role, and a little of everything for the generated ids to find."""
    vendor, enterprise, operator = VendorFactory(), EnterpriseFactory(), OperatorFactory()
    headers = {
        "vendor": _key(vendor),
        "enterprise": _key(enterprise),
        "operator": _key(operator),
        "anonymous": {},
    }
    buyer = enterprise.memberships.get(user__service_organization=None).user
    for number in range(3):
        SolutionFactory(vendor=vendor, status="published" if number else "draft")
    need = NeedFactory(enterprise=enterprise)
    marketplace.request_quotes(
        actor=buyer, enterprise=enterprise, vendors=[vendor], need=need, title="Please quote."
    )
    return headers


schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
# Few examples, always the same ones, no shrinking: bounded time, stable failures.
BOUNDED = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _check_operation(operation, mode, role_headers, statuses):
    @BOUNDED
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        for headers in role_headers.values():
            cache.clear()  # the throttle counts in the cache: keep it from answering every call
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.append(response.status_code)

    run()


def test_every_operation_answers_as_documented_for_every_role(role_headers):
    """All operations in one test: the roles' data is built once (it is the slow part)."""
    failures, statuses, operations = {}, [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _check_operation(operation, mode, role_headers, statuses)
            except Unsatisfiable:
                continue  # nothing to make invalid (no parameters, no body)
            except Exception as error:  # noqa: BLE001 - every failure is reported below
                failures[f"{operation.label} ({mode.value})"] = str(error)[:3000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
    # The run did reach the views: every operation, and successes as well as refusals.
    assert operations > 100
    assert len(statuses) >= operations * len(role_headers)
    assert {200, 400, 401, 403, 404} <= set(statuses)
