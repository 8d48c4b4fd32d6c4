"""What every API endpoint shares: bounded pagination and one error format."""

import hashlib
import json
import math
import weakref
from datetime import UTC

import django_filters
from django import forms
from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404, JsonResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from django.views import defaults
from django_filters.utils import get_model_field
from rest_framework import exceptions, status
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils import encoders
from rest_framework.views import exception_handler

from catalog.workflow import StaleSubmission, TransitionNotAllowed

PROBLEM_CONTENT_TYPE = "application/problem+json"


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """`updated_since=<ISO 8601 time>`: rows changed at or after it. The time is taken to
    UTC first: an offset Python accepts (up to ±23:59) may be one the database refuses."""

    def __init__(self, field_name="updated_at", **kwargs):
        kwargs.setdefault("lookup_expr", "gte")
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if value is not None and value.utcoffset() is not None:
            value = value.astimezone(UTC)
        return super().filter(qs, value)


class CodeFilter(django_filters.CharFilter):
    """A taxonomy code (`scenario=2025-28`): one the taxonomy has, else a 400 naming the
    parameter, so a typo is told apart from "nothing matches". Comma-free, exact."""

    @property
    def field(self):
        if not hasattr(self, "_field"):
            field = super().field
            target = get_model_field(self.model, self.field_name)
            related, name = target.model, target.name

            def known(value):
                if value and not related._default_manager.filter(**{name: value}).exists():
                    raise forms.ValidationError(
                        _("Unknown code “%(code)s”."), code="unknown", params={"code": value}
                    )

            field.validators.append(known)
        return self._field


class StrictOrderingFilter(OrderingFilter):
    """`?ordering=` with a field the operation does not offer is a 400 naming the parameter
    and the fields it offers, rather than being silently ignored."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        if params:
            fields = [param.strip() for param in params.split(",") if param.strip()]
            valid = {name for name, _label in self.get_valid_fields(
                queryset, view, {"request": request})}
            unknown = [term for term in fields if term.lstrip("-") not in valid]
            if unknown:
                raise exceptions.ValidationError({self.ordering_param: [
                    _("Unknown ordering: %(unknown)s. Order by one of: %(valid)s.") % {
                        "unknown": ", ".join(unknown),
                        "valid": ", ".join(sorted(valid)) or "-"}
                ]})
        return super().get_ordering(request, queryset, view)


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


def _conflict(code, title, exc, **facts):
    """A 409 in problem details, with the facts a client needs to read again and retry."""
    return Response(
        content_type=PROBLEM_CONTENT_TYPE,
        data={"type": f"about:blank#{code}", "title": title,
              "status": status.HTTP_409_CONFLICT, "detail": str(exc), **facts},
        status=status.HTTP_409_CONFLICT,
    )


def problem_exception_handler(exc, context):
    """Every 4xx/5xx as problem details: type, title, status, detail and per-field errors."""
    if isinstance(exc, TransitionNotAllowed):
        return _conflict("transition-not-allowed", "Transition not allowed", exc,
                         **exc.facts())
    if isinstance(exc, StaleSubmission):
        return _conflict("stale-submission", "Resubmitted since you read it", exc,
                         current_status=exc.subject.status,
                         submitted_at=exc.subject.submitted_at)
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


# Conditional requests: ETag / If-None-Match on reads, If-Match on writes.

UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _(
        "The resource has changed since you read it (its ETag differs from "
        "If-Match). GET it again, then retry with the new ETag."
    )
    default_code = "precondition_failed"


def representation_etag(data):
    """A strong ETag: a hash of the representation exactly as this caller reads it.

    Hashing what is served, rather than a version or updated_at, also changes the tag when
    related rows change (case studies, line items, taxonomy names, the reader's language)
    and needs no column on every model."""
    body = json.dumps(
        data, cls=encoders.JSONEncoder, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return f'"{hashlib.sha256(body.encode()).hexdigest()[:32]}"'


def _listed_etags(header):
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def _weakly_equal(listed, etag):
    return any(tag == "*" or tag.removeprefix("W/") == etag for tag in listed)


class ConditionalSchema:
    """Documents the conditional headers and answers of a view using the mixin below, on top
    of whatever schema class the project uses (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

    _schema_class = None

    @classmethod
    def schema_class(cls):
        if cls._schema_class is None:
            from rest_framework.settings import api_settings

            cls._schema_class = type(
                "ConditionalAutoSchema",
                (_ConditionalSchemaMixin, api_settings.DEFAULT_SCHEMA_CLASS),
                {},
            )
        return cls._schema_class

    def __init__(self):
        self.instance_schemas = weakref.WeakKeyDictionary()

    # A descriptor like DRF's ViewInspector: drf-spectacular sets a view's schema per action.
    def __get__(self, instance, owner):
        if instance is not None and instance in self.instance_schemas:
            return self.instance_schemas[instance]
        schema = self.schema_class()()
        if instance is not None:
            schema.view = instance
        return schema

    def __set__(self, instance, other):
        self.instance_schemas[instance] = other
        if other is not None:
            other.view = instance


class _ConditionalSchemaMixin:
    def _conditional_kind(self):
        view = self.view
        if getattr(view, "action", None) == "retrieve" and self.method == "GET":
            return "read"
        if self.method in UNSAFE_METHODS and getattr(view, "detail", False):
            return "write"
        return None

    def _get_parameters(self):
        parameters = super()._get_parameters()
        kind = self._conditional_kind()
        if kind == "read":
            parameters.append(
                {
                    "in": "header",
                    "name": "If-None-Match",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "ETags you hold; 304 Not Modified when one is current.",
                }
            )
        elif kind == "write":
            parameters.append(
                {
                    "in": "header",
                    "name": "If-Match",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "The ETag you read; 412 if the resource changed since (no "
                    "update is lost).",
                }
            )
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        kind = self._conditional_kind()
        if direction != "response" or kind is None:
            return responses
        etag_header = {
            "ETag": {
                "schema": {"type": "string"},
                "description": "The representation's strong ETag.",
            }
        }
        carries_etag = kind == "read" or getattr(self.view, "action", None) in (
            "update",
            "partial_update",
        )
        if carries_etag and "200" in responses:
            responses["200"].setdefault("headers", {}).update(etag_header)
        if kind == "read":
            responses["304"] = {
                "description": "Not modified: the ETag in If-None-Match is current.",
                "headers": etag_header,
            }
        else:
            from config.schema import ProblemDetailsSerializer

            component = self.resolve_serializer(ProblemDetailsSerializer, "response")
            responses["412"] = {
                "description": "Precondition failed: the resource changed since the ETag in "
                "If-Match was read.",
                "content": {PROBLEM_CONTENT_TYPE: {"schema": component.ref}},
            }
        return responses


class ConditionalRequestMixin:
    """For viewsets: a strong ETag on retrieve (304 on a matching If-None-Match), and on every
    write to one object an optional If-Match checked under a row lock (412 when stale);
    PUT/PATCH answers carry the new ETag.

    With If-Match the whole write runs in one transaction that first locks the object's row
    (SELECT … FOR UPDATE on PostgreSQL; SQLite lets one writer at a time), so of two clients
    holding the same ETag, one writes and the other gets 412: no update is lost."""

    schema = ConditionalSchema()

    def _is_object_write(self, request):
        lookup = self.lookup_url_kwarg or self.lookup_field
        return request.method in UNSAFE_METHODS and lookup in self.kwargs

    def dispatch(self, request, *args, **kwargs):
        if request.method in UNSAFE_METHODS and request.META.get("HTTP_IF_MATCH"):
            with transaction.atomic():
                return super().dispatch(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if_match = request.META.get("HTTP_IF_MATCH")
        if if_match and self._is_object_write(request):
            self.check_if_match(_listed_etags(if_match))

    def check_if_match(self, listed):
        instance = self.get_object()
        model = type(instance)
        list(
            model._default_manager.select_for_update()
            .filter(pk=instance.pk)
            .values_list("pk", flat=True)
        )
        if "*" in listed:
            return
        # Strong comparison (RFC 9110): a weak tag never matches.
        if self.current_etag() not in listed:
            raise PreconditionFailed()

    def current_etag(self):
        """The ETag a GET of this object would carry now, for this caller."""
        action = self.action
        self.action = "retrieve"
        try:
            data = self.get_serializer(self.get_object()).data
        finally:
            self.action = action
        return representation_etag(data)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code != status.HTTP_200_OK or not isinstance(response, Response):
            return response
        if self.action == "retrieve" and request.method in ("GET", "HEAD"):
            etag = representation_etag(response.data)
            response["ETag"] = etag
            if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
            if if_none_match and _weakly_equal(_listed_etags(if_none_match), etag):
                not_modified = Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
                return super().finalize_response(request, not_modified, *args, **kwargs)
        elif self.action in ("update", "partial_update"):
            response["ETag"] = self.current_etag()
        return response
