"""What every API endpoint shares: bounded pagination and one error format."""

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler

from catalog.workflow import TransitionNotAllowed

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


def _field_errors(detail):
    if isinstance(detail, dict):
        return {key: _field_errors(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_field_errors(value) for value in detail]
    return str(detail)


def problem_exception_handler(exc, context):
    """Every 4xx/5xx as problem details: type, title, status, detail and per-field errors."""
    if isinstance(exc, TransitionNotAllowed):
        return Response(
            content_type=PROBLEM_CONTENT_TYPE,
            data={
                "type": "about:blank#transition-not-allowed",
                "title": "Transition not allowed",
                "status": status.HTTP_409_CONFLICT,
                "detail": str(exc),
                "current_status": exc.solution.status,
                "allowed": exc.allowed,
            },
            status=status.HTTP_409_CONFLICT,
        )
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
    body["title"] = str(body["title"])
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
