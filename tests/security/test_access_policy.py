"""Every operation of the OpenAPI schema declares who may call it (`x-access`, from
accounts.api.policy), and every kind of principal gets exactly that: refused when the
declaration does not admit it (401 without credentials, 403 otherwise), never refused by the
policy when it does.

The expected outcome is computed here from the schema's declaration and each principal's
facts (roles, the key's organisation kind and scopes), not by asking the code that enforces
it. Paths name objects that do not exist, so an admitted caller meets the view's own
checks (400, 404, 415 …), which must never be a server error either."""

import json
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient

from accounts.models import APIKey, Membership
from accounts.services import API_KEY_SCOPES, API_KEY_SCOPES_BY_KIND, create_api_key
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    OperatorFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

POLICY_REFUSALS = {"about:blank#not_admitted", "about:blank#insufficient_scope"}
MISSING_ID = "999999"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Principal:
    name: str
    client: APIClient
    roles: set = field(default_factory=set)  # a person's roles; empty for keys and anonymous
    key_kind: str | None = None
    scopes: set = field(default_factory=set)
    dead_key: bool = False  # revoked or expired: 401 everywhere

    def expected_refusal(self, access):
        """None when admitted, else the status the declaration requires."""
        if self.dead_key:
            return 401
        if self.key_kind is not None:
            keys = access["keys"]
            admitted = (keys is not None and self.key_kind in keys["organizations"]
                        and keys["scope"] in self.scopes)
            return None if admitted else 403
        if not self.roles:
            return None if access["anonymous"] else 401
        people = set(access["people"])
        return None if ("anyone" in people or people & self.roles) else 403


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, item in sorted(schema["paths"].items()):
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def concrete(path):
    """The path with every parameter naming an object that does not exist."""
    parts = []
    for part in path.split("/"):
        parts.append(MISSING_ID if part.startswith("{") else part)
    return "/".join(parts)


def _key_client(organization, scopes, **fields):
    """A key stored as it might have been before today's rules (any scopes), so the policy
    is tested against the request, not only against what key creation lets through."""
    prefix = secrets.token_hex(APIKey.PREFIX_LENGTH // 2)
    raw = f"{prefix}.{secrets.token_urlsafe(16)}"
    APIKey.objects.create(organization=organization, name="matrix", prefix=prefix,
                          hashed_key=APIKey.hash(raw), scopes=sorted(scopes), **fields)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def _session(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def principals():
    vendor, enterprise, operator = VendorFactory(), EnterpriseFactory(), OperatorFactory()
    orgs = {"vendor": vendor, "enterprise": enterprise, "operator": operator}
    role = Membership.Role

    def person(org, member_role=role.MEMBER, **kwargs):
        return MembershipFactory(organization=org, role=member_role, **kwargs).user

    found = [
        Principal("anonymous", APIClient()),
        Principal("vendor owner", _session(person(vendor, role.OWNER)),
                  {"anyone", "vendor", "vendor_admin"}),
        Principal("vendor member", _session(person(vendor)), {"anyone", "vendor"}),
        Principal("enterprise owner", _session(person(enterprise, role.OWNER)),
                  {"anyone", "enterprise", "enterprise_admin"}),
        Principal("reviewer", _session(person(operator, is_reviewer=True)),
                  {"anyone", "operator", "reviewer"}),
        Principal("operator admin", _session(person(operator, role.ADMIN)),
                  {"anyone", "operator", "operator_admin"}),
        Principal("operator member", _session(person(operator)), {"anyone", "operator"}),
        Principal("person of no organisation", _session(UserFactory()), {"anyone"}),
    ]
    # Each scope alone, on a key of each kind of organisation that may hold it.
    for scope in sorted(API_KEY_SCOPES):
        for kind, allowed in API_KEY_SCOPES_BY_KIND.items():
            if scope in allowed:
                found.append(Principal(f"{kind} key with {scope}",
                                       _key_client(orgs[kind], {scope}),
                                       key_kind=kind, scopes={scope}))
    everything = set(API_KEY_SCOPES)
    for kind, org in orgs.items():
        found.append(Principal(f"{kind} key with no scope", _key_client(org, set()),
                               key_kind=kind))
        # Even a key holding every scope (as an older key might) does only what its kind may.
        found.append(Principal(f"{kind} key with every scope", _key_client(org, everything),
                               key_kind=kind, scopes=everything))
    found.append(Principal("revoked key", _key_client(vendor, everything,
                                                      revoked_at=timezone.now()),
                           dead_key=True))
    found.append(Principal("expired key", _key_client(
        enterprise, everything, expires_at=timezone.now() - timedelta(minutes=1)),
        dead_key=True))
    # Its maker also owns a vendor: the key still acts as the enterprise alone.
    maker = person(enterprise, role.OWNER)
    MembershipFactory(organization=vendor, user=maker, role=role.OWNER)
    scopes = sorted(API_KEY_SCOPES_BY_KIND["enterprise"])
    _, raw = create_api_key(actor=maker, organization=enterprise, name="ERP", scopes=scopes)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    found.append(Principal("key whose maker is also a vendor's owner", client,
                           key_kind="enterprise", scopes=set(scopes)))
    return found


def test_every_operation_declares_who_may_call_it():
    undeclared = [f"{method.upper()} {path}" for path, method, operation in operations()
                  if "x-access" not in operation]
    assert undeclared == []


def test_every_operation_admits_exactly_the_declared_principals(principals):
    mismatches = []
    checked = 0
    for path, method, operation in operations():
        access = operation["x-access"]
        url = concrete(path)
        for principal in principals:
            response = principal.client.generic(method.upper(), url, data="{}",
                                                content_type="application/json")
            checked += 1
            status = response.status_code
            content = (b"".join(response.streaming_content) if response.streaming
                       else response.content)
            body = content[:200]
            try:
                problem = json.loads(content).get("type") if content else None
            except (ValueError, AttributeError):
                problem = None
            expected = principal.expected_refusal(access)
            if status >= 500:
                mismatches.append((method, path, principal.name, status, body))
            elif expected == 401 and status != 401:
                mismatches.append((method, path, principal.name, f"{status}, wanted 401", body))
            elif expected == 403 and not (status == 403 and problem in POLICY_REFUSALS):
                mismatches.append((method, path, principal.name, f"{status}, wanted 403", body))
            elif expected is None and (status == 401 or problem in POLICY_REFUSALS):
                mismatches.append((method, path, principal.name, f"{status}, wanted in", body))
    assert checked > 100 * len(principals)
    assert mismatches == []


def test_an_operation_without_a_declaration_is_refused_to_everyone(rf):
    from rest_framework.views import APIView

    from accounts.api.policy import DeclaredAccess, NotAdmitted

    class Undeclared(APIView):
        pass

    request = APIView().initialize_request(rf.get("/"))
    with pytest.raises(NotAdmitted):
        DeclaredAccess().has_permission(request, Undeclared())
