from django.utils.translation import gettext
from rest_framework import serializers

from accounts.models import Organization
from events.models import (
    Notification,
    NotificationPreference,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from events.webhooks.topics import TOPICS


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        help_text="The organisation subscribing; needed only if you administer several.",
    )
    topics = serializers.ListField(
        child=serializers.CharField(max_length=100),
        allow_empty=False,
        help_text="Topics to receive; see /api/v1/webhooks/topics/.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "organization",
            "url",
            "topics",
            "description",
            "is_active",
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "created_at",
            "updated_at",
            "secret_rotated_at",
        ]
        read_only_fields = [
            "disabled_reason",
            "disabled_at",
            "consecutive_failures",
            "created_at",
            "updated_at",
            "secret_rotated_at",
        ]


class WebhookSubscriptionUpdateSerializer(serializers.ModelSerializer):
    topics = serializers.ListField(child=serializers.CharField(max_length=100), allow_empty=False)

    class Meta:
        model = WebhookSubscription
        fields = ["url", "topics", "description", "is_active"]


class NewWebhookSubscriptionSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Shown once; store it now to verify signatures."
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookSecretSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="The new secret, shown once.")
    secret_rotated_at = serializers.DateTimeField()


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["series", "number", "succeeded", "status_code", "response_ms", "error", "at"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    attempts = WebhookAttemptSerializer(many=True, read_only=True)
    delivery_id = serializers.UUIDField(
        source="uuid", read_only=True, help_text="Sent as X-Zhizao-Delivery."
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "delivery_id",
            "subscription",
            "topic",
            "status",
            "series",
            "attempts_in_series",
            "next_attempt_at",
            "completed_at",
            "created_at",
            "payload",
            "attempts",
        ]


class WebhookTopicSerializer(serializers.Serializer):
    name = serializers.CharField()
    description = serializers.CharField()


def topic_list():
    return [
        {"name": topic.name, "description": str(topic.description)} for topic in TOPICS.values()
    ]


class DeliveryFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)


class NotificationPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = NotificationPreference
        fields = ["email", "daily_since", "last_digest_at"]
        read_only_fields = ["daily_since", "last_digest_at"]


class NotificationSerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(
        help_text="In the language of the request, as the inbox page shows it."
    )
    is_unread = serializers.BooleanField(read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "topic", "title", "body", "link", "created_at", "read_at", "is_unread"]
        read_only_fields = fields

    def get_title(self, notification) -> str:
        # Stored as the untranslated message id (gettext_noop), translated when shown.
        return gettext(notification.title)


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="How many of your notifications are unread.")


class MarkedReadSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this marked read.")
