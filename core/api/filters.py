"""The API's shared filters: a taxonomy code or an `?ordering=` it cannot honour is a 400
naming the parameter rather than ignored; `updated_since` takes any ISO 8601 time."""

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from django_filters.utils import get_model_field
from rest_framework import exceptions
from rest_framework.filters import OrderingFilter


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
