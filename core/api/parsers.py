"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES).

A module of its own: DRF reads the parser classes while rest_framework.views is imported,
which core.api.problems itself imports."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, refusing JSON nested deeper than settings.API_JSON_MAX_DEPTH.

    Serializers walk what they are given recursively, and the parser itself gives up with a
    RecursionError (a 500) somewhere near a thousand levels; no request needs more than a few."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.API_JSON_MAX_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_too_deep(limit)) from None
        if _nesting_exceeds(data, limit):
            raise exceptions.ParseError(_too_deep(limit))
        return data


def _too_deep(limit):
    return _("JSON parse error - nested deeper than %(limit)d levels.") % {"limit": limit}


def _nesting_exceeds(data, limit):
    """Whether arrays and objects nest deeper than `limit`, found without recursion."""
    pending = [(data, 1)] if isinstance(data, dict | list) else []
    while pending:
        value, depth = pending.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        pending.extend((child, depth + 1) for child in children
                       if isinstance(child, dict | list))
    return False
