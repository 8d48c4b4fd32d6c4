import base64
import binascii

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from changes.models import ChangeEntry

CURSOR_PREFIX = "chg1:"
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


def encode_cursor(seq):
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """The position a cursor stands for; ValueError for anything this feed did not give out."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(cursor) from None
    number = raw.removeprefix(CURSOR_PREFIX)
    if not raw.startswith(CURSOR_PREFIX) or not number.isdigit() or len(number) > 18:
        raise ValueError(cursor)
    return int(number)


class ChangeFeedParams(serializers.Serializer):
    cursor = serializers.CharField(required=False, max_length=64)
    since = serializers.DateTimeField(required=False)
    limit = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_LIMIT, default=DEFAULT_LIMIT
    )

    def validate_cursor(self, value):
        try:
            return decode_cursor(value)
        except ValueError:
            raise serializers.ValidationError(
                _("Not a cursor of this feed: pass back a next_cursor exactly as received.")
            ) from None

    def validate(self, attrs):
        if "cursor" in attrs and "since" in attrs:
            raise serializers.ValidationError(
                {"since": [_("Give either a cursor or a starting time, not both.")]}
            )
        return attrs


class ChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ChangeEntry
        fields = ["seq", "resource_type", "resource_id", "action", "occurred_at", "recorded_at"]


class ChangeFeedSerializer(serializers.Serializer):
    results = ChangeSerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass it back as `cursor` to get the changes after this page."
    )
    has_more = serializers.BooleanField(
        help_text="True when more changes are waiting now; otherwise poll later with next_cursor."
    )
