"""The OpenAPI schema documents the errors every operation can answer, in one place.

Each operation gets, next to its success responses, the problem-details responses that
core.api.problems.problem_exception_handler actually produces for it: 401 and 403 (a bad key, a
missing scope or role), 429 (throttling) everywhere; 400 where there is input to validate
(a body, filters, query parameters); 404 where the path or a query parameter names an object, or the
list is paginated; 409 where a write may be refused by a state transition; 411 and 413 where a
body is sent (core/request_bounds.py)."""

from drf_spectacular.openapi import AutoSchema

from accounts.api.policy import ANYONE, declared_access_for
from core.api.problems import PROBLEM_CONTENT_TYPE, ProblemDetailsSerializer

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ERROR_DESCRIPTIONS = {
    "400": "Invalid input: `errors` names each field and the reason.",
    "401": "No credentials, or an invalid, expired or revoked API key.",
    "403": "Signed in, but this role, organisation or API key scope may not do this.",
    "404": "No such object, or not visible to you; or a page past the last.",
    "409": "Not allowed in the object's current state (e.g. a workflow transition).",
    "411": "The body was sent without a Content-Length (chunked): send its length.",
    "413": "The body is larger than the API accepts (REQUEST_MAX_BODY_BYTES; uploads: "
           "REQUEST_MAX_UPLOAD_BYTES).",
    "429": "Too many requests: wait the seconds given in `Retry-After`.",
}


def access_extension(access):
    """The declared access of an operation (accounts.api.policy) as the schema shows it."""
    return {
        "anonymous": access.anonymous,
        "people": sorted(access.people),
        "keys": {"organizations": sorted(access.keys), "scope": access.scope}
        if access.keys else None,
    }


def access_sentence(access):
    who = []
    if access.anonymous:
        who.append("anyone, signed in or not")
    elif ANYONE in access.people:
        who.append("every signed-in person")
    elif access.people:
        who.append("signed-in " + ", ".join(f"`{role}`" for role in sorted(access.people)))
    if access.keys:
        kinds = ", ".join(sorted(access.keys))
        who.append(f"API keys of {kinds} organisations holding `{access.scope}`")
    else:
        who.append("no API key")
    return "**Who may call it:** " + "; ".join(who) + "."


class ProblemAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the problem-details error responses and each
    operation's declared access (`x-access`, and a sentence in its description)."""

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return operation
        access = declared_access_for(self.view, self.method)
        if access is not None:
            operation["x-access"] = access_extension(access)
            description = operation.get("description", "")
            operation["description"] = (description + "\n\n" if description else "") + (
                access_sentence(access))
        return operation

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                responses[code] = self._problem_response(code)
        return responses

    def _error_codes(self):
        has_path_object = "{" in self.path
        takes_input = (
            self.method in WRITE_METHODS
            or bool(self._get_filter_parameters())
            or bool(self._get_pagination_parameters())
            or bool(self.get_override_parameters())
        )
        codes = ["401", "403", "429"]
        if takes_input:
            codes.append("400")
        # Explicit query parameters mostly name objects (a vendor, a page of results).
        if has_path_object or self._get_pagination_parameters() or self.get_override_parameters():
            codes.append("404")
        if self.method in WRITE_METHODS:
            codes.extend(["409", "411", "413"])
        return sorted(codes)

    def _problem_response(self, code):
        component = self.resolve_serializer(ProblemDetailsSerializer, "response")
        return {
            "content": {PROBLEM_CONTENT_TYPE: {"schema": component.ref}},
            "description": ERROR_DESCRIPTIONS[code],
        }
