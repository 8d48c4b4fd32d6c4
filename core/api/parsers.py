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
        where = _nul_path(data)
        if where is not None:
            # No text the product keeps may hold a NUL (PostgreSQL cannot store one, and a
            # lookup by such a code fails in the database): refused here, for every field.
            raise exceptions.ParseError(
                _("JSON parse error - NUL characters (\\u0000) are not allowed (at %(where)s).")
                % {"where": where})
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


def _nul_path(data):
    """The path ("case_studies[0].region") of the first key or string holding a NUL
    character, or None; found without recursion."""
    pending = [(data, "")]
    while pending:
        value, path = pending.pop()
        if isinstance(value, str):
            if "\x00" in value:
                return path or "(body)"
        elif isinstance(value, dict):
            for key, child in value.items():
                here = f"{path}.{key}" if path else str(key)
                if "\x00" in key:
                    return here
                pending.append((child, here))
        elif isinstance(value, list):
            pending.extend((child, f"{path}[{index}]") for index, child in enumerate(value))
    return None
