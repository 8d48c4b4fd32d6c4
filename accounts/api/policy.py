"""Who may call each API operation: one declaration per operation, one place that enforces it.

A view declares `access`, a mapping from its operations to an `Access`:

    access = {
        "list": Access.public("catalog:read"),
        "create": Access.members("vendor", scope="solutions:write"),
    }

The key is the viewset action (`list`, `retrieve`, `approve`, …) or, on a plain APIView, the
HTTP method (`get`, `post`); `"action.method"` (`"messages.post"`) narrows an action that
answers several methods, and `"*"` covers the rest. `DeclaredAccess` (the API's default
permission class) refuses what the declaration does not admit, before the view runs:

- an anonymous caller where it is not admitted: 401;
- a signed-in person none of whose roles is admitted: 403 (`not_admitted`);
- an API key of an organisation kind that is not admitted, or that lacks the operation's
  scope: 403 (`not_admitted` / `insufficient_scope`). A key acts as its organisation's
  service account and holds exactly its scopes; an operation without a scope admits no key.

What a principal then sees or may change of a particular object is the selectors' and
services' business (404 for what it may not see, 403/409 for what it may not do). The test in
tests/security/test_access_policy.py walks every operation of the OpenAPI schema with every
kind of principal against these declarations, and fails on an operation without one."""

from dataclasses import dataclass

from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from accounts.models import Membership, Organization

from .authentication import api_key_of

VENDOR, ENTERPRISE, OPERATOR = (Organization.Kind.VENDOR, Organization.Kind.ENTERPRISE,
                                Organization.Kind.OPERATOR)
KINDS = frozenset({VENDOR, ENTERPRISE, OPERATOR})
# Roles a signed-in person can hold: the kinds of their organisations, "<kind>_admin" where
# they are an owner or admin, "reviewer" for operator staff who work the queue, "anyone" for
# every signed-in person.
ANYONE = "anyone"
ROLES = frozenset({ANYONE, *KINDS, *(f"{kind}_admin" for kind in KINDS), "reviewer"})


@dataclass(frozen=True)
class Access:
    """`scope`: what a key must hold (None: no key is admitted). `people`: the roles of the
    signed-in persons admitted (empty: none). `keys`: the kinds of organisation whose keys
    are admitted. `anonymous`: whether no credentials at all will do."""

    scope: str | None = None
    people: frozenset = frozenset()
    keys: frozenset = frozenset()
    anonymous: bool = False

    def __post_init__(self):
        unknown = set(self.people) - ROLES
        if unknown:
            raise ValueError(f"Unknown roles: {sorted(unknown)}")
        if set(self.keys) - KINDS:
            raise ValueError(f"Unknown organisation kinds: {sorted(set(self.keys) - KINDS)}")
        if self.keys and not self.scope:
            raise ValueError("An operation that admits keys names the scope they need.")

    @classmethod
    def public(cls, scope="catalog:read"):
        """Anyone, with or without credentials; a key needs `scope`."""
        return cls(scope=scope, people=frozenset({ANYONE}), keys=KINDS, anonymous=True)

    @classmethod
    def signed_in(cls, scope, keys=KINDS):
        """Every signed-in person, and keys of `keys` holding `scope`."""
        return cls(scope=scope, people=frozenset({ANYONE}), keys=frozenset(keys))

    @classmethod
    def members(cls, *roles, scope=None, keys=None):
        """Persons holding one of `roles`; keys of the organisation kinds among them
        (or of `keys`) holding `scope`."""
        if keys is None:
            keys = {role for role in roles if role in KINDS} if scope else set()
        return cls(scope=scope, people=frozenset(roles), keys=frozenset(keys))

    @classmethod
    def people_only(cls, *roles):
        """Signed-in persons only (all of them when no role is named); no key."""
        return cls(people=frozenset(roles or {ANYONE}))

    def admits_key(self, kind):
        return kind in self.keys  # a declaration admitting keys always names their scope


def declared_access(view, request):
    """The Access declared for this request's operation, or None."""
    return declared_access_for(view, request.method)


def declared_access_for(view, method):
    """The Access declared for `view` (its action set) answering `method`, or None."""
    access = getattr(view, "access", None)
    if not access:
        return None
    method = method.lower()
    if method == "head":
        method = "get"
    name = getattr(view, "action", None) or method
    for candidate in (f"{name}.{method}", name, "*"):
        if candidate in access:
            return access[candidate]
    return None


def person_roles(request):
    """The roles of the signed-in person making `request`, read once per request."""
    roles = getattr(request, "_policy_roles", None)
    if roles is not None:
        return roles
    user = request.user
    roles = {ANYONE}
    if user.is_superuser:
        roles |= {OPERATOR, f"{OPERATOR}_admin"}
    for kind, role, is_reviewer in Membership.objects.filter(user=user).values_list(
        "organization__kind", "role", "is_reviewer"
    ):
        roles.add(kind)
        if role in (Membership.Role.OWNER, Membership.Role.ADMIN):
            roles.add(f"{kind}_admin")
        if is_reviewer and kind == OPERATOR:
            roles.add("reviewer")
    request._policy_roles = frozenset(roles)
    return request._policy_roles


class NotAdmitted(exceptions.PermissionDenied):
    default_detail = "This operation is not open to you."
    default_code = "not_admitted"


class InsufficientScope(exceptions.PermissionDenied):
    default_detail = "This API key lacks the scope this operation needs."
    default_code = "insufficient_scope"


class DeclaredAccess(BasePermission):
    """Enforces the view's declaration (see the module's docstring). An operation with no
    declaration is refused to everyone: forgetting one closes a door rather than opens it."""

    def has_permission(self, request, view):
        if request.method == "OPTIONS":
            return True
        access = declared_access(view, request)
        if access is None:
            raise NotAdmitted("This operation declares no access policy.")
        key = api_key_of(request)
        user = request.user
        if key is not None:
            if not access.keys:
                raise NotAdmitted("This operation is for signed-in people: an organisation's "
                                  "API key cannot call it.")
            if not access.admits_key(key.organization.kind):
                raise NotAdmitted(
                    f"API keys of {key.organization.kind} organisations may not call this "
                    "operation."
                )
            if not key.has_scope(access.scope):
                raise InsufficientScope(
                    f"This API key lacks the {access.scope} scope this operation needs."
                )
            return True
        if user is None or not user.is_authenticated:
            if access.anonymous:
                return True
            raise exceptions.NotAuthenticated()
        if getattr(user, "is_service_account", False):
            raise NotAdmitted("A service account acts only through its API keys.")
        # Every signed-in person is admitted: no need to read their roles.
        if ANYONE in access.people or access.people & person_roles(request):
            return True
        raise NotAdmitted()
