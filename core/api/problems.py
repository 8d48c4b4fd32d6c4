"""The API's one error format: problem details (RFC 9457) for every 4xx/5xx, inside DRF's
views (REST_FRAMEWORK's EXCEPTION_HANDLER) and outside them (middleware, URL resolution)."""

import json
import math

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.workflow import Conflict

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ProblemDetailsSerializer(serializers.Serializer):
    """Problem details (RFC 9457): the one error format of the API."""

    type = serializers.CharField(help_text="A URI naming the kind of problem.")
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        required=False,
        help_text="On 400: per field, the reasons (nested objects for nested fields).",
    )
    current_status = serializers.CharField(required=False, help_text="On 409: the object's status.")
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="On 409: the transitions allowed from it.",
    )
    submitted_at = serializers.DateTimeField(
        required=False,
        help_text="On 409 to a reviewer's decision on an older submission: when the current "
                  "one was submitted.",
    )


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


def problem_response(status_code, code, title, detail, *, streaming=False):
    """Problem details outside DRF's views (middleware, URL resolution), shaped as inside.

    `streaming`: an answer of unknown length, after which every server closes the connection."""
    body = {"type": f"about:blank#{code}", "title": str(title), "status": status_code,
            "detail": str(detail)}
    if streaming:
        return StreamingHttpResponse([json.dumps(body)], status=status_code,
                                     content_type=PROBLEM_CONTENT_TYPE)
    return JsonResponse(body, status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def _field_errors(detail):
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(value) for value in detail]
    return str(detail)


def _conflict(exc):
    """A 409 in problem details, with the facts a client needs to read again and retry."""
    return Response(
        content_type=PROBLEM_CONTENT_TYPE,
        data={"type": f"about:blank#{exc.code}", "title": str(exc.title),
              "status": status.HTTP_409_CONFLICT, "detail": str(exc), **exc.facts()},
        status=status.HTTP_409_CONFLICT,
    )


def problem_exception_handler(exc, context):
    """Every 4xx/5xx as problem details: type, title, status, detail and per-field errors.
    A clash with the current state (core.workflow.Conflict) is a 409 with its facts."""
    if isinstance(exc, Conflict):
        return _conflict(exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = exc.message_dict
        else:
            detail = {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        # A multipart body within the upload bound whose text fields exceed the body bound.
        exc = RequestTooLarge(_("The request's form fields exceed %(limit)d bytes.")
                              % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(str(exc))

    response = exception_handler(exc, context)
    if response is None:
        return None
    body = {
        "type": f"about:blank#{getattr(exc, 'default_code', 'error')}",
        "title": getattr(exc, "default_detail", "Error"),
        "status": response.status_code,
    }
    if isinstance(exc, exceptions.ValidationError):
        body["detail"] = "The request has invalid fields."
        errors = _field_errors(exc.detail)
        body["errors"] = errors if isinstance(errors, dict) else {"non_field_errors": errors}
    else:
        body["detail"] = str(getattr(exc, "detail", exc))
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        # DRF's handler already put the wait in the Retry-After header; say it in the body too.
        body["retry_after"] = math.ceil(exc.wait)
    body["title"] = str(body["title"])
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response


def page_not_found(request, exception):
    """A URL under /api/ that matches no route answers in problem details like the rest of
    the API (e.g. an id that is not a number); other URLs get the site's 404 page."""
    if not request.path.startswith("/api/"):
        return defaults.page_not_found(request, exception)
    return problem_response(404, "not_found", _("Not found."),
                            _("No API endpoint matches this URL."))


def server_error(request):
    """An unhandled error under /api/ answers in problem details too; other URLs get the
    site's 500 page (templates/500.html, which needs no context)."""
    if not request.path.startswith("/api/"):
        return defaults.server_error(request)
    return problem_response(500, "server_error", _("Server error."),
                            _("The server could not answer this request. Try again later."))
