"""Conditional requests: ETag / If-None-Match on reads, If-Match on writes."""

import hashlib
import json
import weakref

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.utils import encoders

from .problems import PROBLEM_CONTENT_TYPE, ProblemDetailsSerializer

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
