"""Serializer fields for capped lists (catalog.limits): the count is checked before any
item is read, so a list of 10,000 codes costs one comparison, not 10,000 queries, and the
error is a plain list of messages on the field, as for every other invalid field."""

from rest_framework import serializers

from catalog import limits


def _too_many(limit, count):
    return serializers.ValidationError(
        [limits.TOO_MANY % {"limit_value": limit, "show_value": count}], code="max_length")


class CappedListSerializer(serializers.ListSerializer):
    """`Child(many=True, max_length=N)`, with Meta.list_serializer_class pointing here."""

    def to_internal_value(self, data):
        if self.max_length is not None and isinstance(data, list) and len(data) > self.max_length:
            raise _too_many(self.max_length, len(data))
        return super().to_internal_value(data)


class CappedManyRelatedField(serializers.ManyRelatedField):
    """A list of related objects (taxonomy codes, organisations) of at most `max_length`, a
    number or a callable giving it (for a cap read from settings at request time)."""

    def __init__(self, child_relation=None, *, max_length, **kwargs):
        self.max_length = max_length
        super().__init__(child_relation=child_relation, **kwargs)

    def to_internal_value(self, data):
        limit = self.max_length() if callable(self.max_length) else self.max_length
        if isinstance(data, list | tuple) and len(data) > limit:
            raise _too_many(limit, len(data))
        return super().to_internal_value(data)


def taxonomy_codes(model, name, **kwargs):
    """Taxonomy objects given by code, at most catalog.limits.RELATIONS_MAX[name] of them."""
    limit = limits.RELATIONS_MAX[name]
    kwargs.setdefault("required", False)
    kwargs["help_text"] = " ".join(filter(None, [kwargs.get("help_text"), f"At most {limit}."]))
    return CappedManyRelatedField(
        child_relation=serializers.SlugRelatedField(slug_field="code",
                                                    queryset=model.objects.all()),
        max_length=limit, **kwargs,
    )
