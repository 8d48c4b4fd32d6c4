from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import APIKey


class HasAPIKeyScope(BasePermission):
    """With an API key, the view's `required_scopes` (read / write) must be on the key.

    Session users are not limited by scopes; their memberships decide, as everywhere."""

    message = "This API key lacks the scope this action needs."

    def has_permission(self, request, view):
        key = request.auth
        if not isinstance(key, APIKey):
            return True
        scopes = getattr(view, "required_scopes", {})
        needed = scopes.get("read" if request.method in SAFE_METHODS else "write")
        return needed is None or key.has_scope(needed)
