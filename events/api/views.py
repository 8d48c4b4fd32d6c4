"""Webhooks for organisation admins (scope `webhooks:manage` with an API key), and each
person's notification inbox and settings."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api.authentication import api_key_of
from accounts.api.policy import ANYONE, KINDS, Access, DeclaredAccess
from events import services as notifications
from events.models import Notification, WebhookDelivery, WebhookSubscription
from events.webhooks import selectors
from events.webhooks import services as webhooks

from .filters import NotificationFilter
from .serializers import (
    DeliveryFilterSerializer,
    MarkedReadSerializer,
    NewWebhookSubscriptionSerializer,
    NotificationPreferenceSerializer,
    NotificationSerializer,
    UnreadCountSerializer,
    WebhookDeliverySerializer,
    WebhookSecretSerializer,
    WebhookSubscriptionSerializer,
    WebhookSubscriptionUpdateSerializer,
    WebhookTopicSerializer,
    topic_list,
)

SCOPE = "webhooks:manage"
INVALID = OpenApiResponse(description="Invalid input: `errors` names the field and why.")
REFUSED = OpenApiResponse(
    description="Not an owner or admin of the organisation, or the API "
    "key lacks the webhooks:manage scope."
)
NOT_FOUND = OpenApiResponse(description="No such subscription among your organisations'.")


# An organisation's owners and admins, or its key holding webhooks:manage.
ADMINS = Access.members("vendor_admin", "enterprise_admin", "operator_admin", scope=SCOPE,
                        keys=KINDS)


class ManagesWebhooks(permissions.BasePermission):
    message = "Only an organisation's owners and admins manage its webhooks."

    def has_permission(self, request, view):
        return selectors.managed_organizations(request.user).exists()


def _key_organization(request):
    key = api_key_of(request)
    return key.organization if key is not None else None


class WebhookSubscriptionViewSet(viewsets.ModelViewSet):
    """Your organisations' webhook subscriptions. The secret is returned once, on creation
    and on rotation; verify deliveries with it (see events.webhooks.verify_signature)."""

    serializer_class = WebhookSubscriptionSerializer
    permission_classes = [DeclaredAccess, ManagesWebhooks]
    # The list of topics is documentation: anyone reads it (a key with webhooks:manage).
    access = {"topics": Access(scope=SCOPE, people=frozenset({ANYONE}), keys=KINDS,
                               anonymous=True),
              "*": ADMINS}
    queryset = WebhookSubscription.objects.none()
    ordering_fields = ["created_at"]

    def get_permissions(self):
        if self.action == "topics":
            return [DeclaredAccess()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        # An API key speaks for its own organisation only.
        return selectors.subscriptions_managed_by(
            self.request.user, _key_organization(self.request)
        )

    def get_serializer_class(self):
        if self.action in ("update", "partial_update"):
            return WebhookSubscriptionUpdateSerializer
        return WebhookSubscriptionSerializer

    def _organization_for_create(self, chosen):
        key_org = _key_organization(self.request)
        if key_org is not None:
            if chosen is not None and chosen.pk != key_org.pk:
                raise PermissionDenied(
                    _("An API key manages its own organisation's webhooks only.")
                )
            return key_org
        if chosen is not None:
            return chosen
        managed = list(selectors.managed_organizations(self.request.user)[:2])
        if len(managed) > 1:
            raise ValidationError(
                {
                    "organization": [
                        _("You administer several organisations: say which one subscribes.")
                    ]
                }
            )
        return managed[0]

    @extend_schema(
        request=WebhookSubscriptionSerializer,
        responses={201: NewWebhookSubscriptionSerializer, 400: INVALID, 403: REFUSED},
    )
    def create(self, request, *args, **kwargs):
        serializer = WebhookSubscriptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        subscription, secret = webhooks.create_subscription(
            actor=request.user,
            organization=self._organization_for_create(data.get("organization")),
            url=data["url"],
            topics=data["topics"],
            description=data.get("description", ""),
        )
        body = NewWebhookSubscriptionSerializer(subscription).data
        body["secret"] = secret
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=WebhookSubscriptionUpdateSerializer,
        responses={200: WebhookSubscriptionSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        subscription = self.get_object()
        serializer = WebhookSubscriptionUpdateSerializer(
            subscription, data=request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        subscription = webhooks.update_subscription(
            actor=request.user, subscription=subscription, **serializer.validated_data
        )
        return Response(WebhookSubscriptionSerializer(subscription).data)

    @extend_schema(
        request=WebhookSubscriptionUpdateSerializer,
        responses={200: WebhookSubscriptionSerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, partial=True, **kwargs)

    @extend_schema(responses={204: None, 403: REFUSED, 404: NOT_FOUND})
    def destroy(self, request, *args, **kwargs):
        webhooks.delete_subscription(actor=request.user, subscription=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "status",
                OpenApiTypes.STR,
                enum=WebhookDelivery.Status.values,
                description="Only deliveries in this state.",
            )
        ],
        responses={
            200: WebhookDeliverySerializer(many=True),
            400: INVALID,
            403: REFUSED,
            404: NOT_FOUND,
        },
    )
    # The subscriptions' ordering is not the deliveries': they come newest first, and
    # `status` is their only filter.
    @action(detail=True, methods=["get"], filter_backends=[])
    def deliveries(self, request, pk=None):
        """The subscription's deliveries, newest first, each with its attempts."""
        subscription = self.get_object()
        query = DeliveryFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        qs = selectors.deliveries_of(subscription, query.validated_data.get("status"))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None, responses={202: WebhookDeliverySerializer, 403: REFUSED, 404: NOT_FOUND}
    )
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        """Send a signed test delivery (topic `ping`) now."""
        delivery = webhooks.ping(actor=request.user, subscription=self.get_object())
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request=None, responses={200: WebhookSecretSerializer, 403: REFUSED, 404: NOT_FOUND}
    )
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """Replace the secret; the new one signs every later attempt and is shown once."""
        subscription = self.get_object()
        secret = webhooks.rotate_secret(actor=request.user, subscription=subscription)
        return Response({"secret": secret, "secret_rotated_at": subscription.secret_rotated_at})

    @extend_schema(responses={200: WebhookTopicSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def topics(self, request):
        """The topics a subscription may ask for, and what each means."""
        return Response(WebhookTopicSerializer(topic_list(), many=True).data)


class WebhookDeliveryViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """One delivery with its attempts, and redelivering it."""

    serializer_class = WebhookDeliverySerializer
    permission_classes = [DeclaredAccess, ManagesWebhooks]
    access = {"*": ADMINS}
    queryset = WebhookDelivery.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        qs = selectors.deliveries_managed_by(self.request.user)
        key_org = _key_organization(self.request)
        if key_org is not None:
            qs = qs.filter(subscription__organization=key_org)
        return qs

    @extend_schema(responses={200: WebhookDeliverySerializer, 403: REFUSED, 404: NOT_FOUND})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer, 400: INVALID, 403: REFUSED, 404: NOT_FOUND},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        """Send the delivery again, same id and body, as a new series of attempts."""
        delivery = webhooks.redeliver(actor=request.user, delivery=self.get_object())
        delivery = self.get_queryset().get(pk=delivery.pk)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


class NotificationSettingsView(APIView):
    """How you get notification emails: immediately, in a daily digest, or not at all. The
    inbox always has everything."""

    # Personal settings belong to the person: no API key.
    access = {"*": Access.people_only()}

    @extend_schema(responses={200: NotificationPreferenceSerializer, 403: REFUSED})
    def get(self, request):
        preference = notifications.email_preference(request.user)
        return Response(NotificationPreferenceSerializer(preference).data)

    @extend_schema(
        request=NotificationPreferenceSerializer,
        responses={200: NotificationPreferenceSerializer, 400: INVALID, 403: REFUSED},
    )
    def patch(self, request):
        serializer = NotificationPreferenceSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preference = notifications.email_preference(request.user)
        if "email" in serializer.validated_data:
            preference = notifications.set_email_preference(
                actor=request.user,
                user=request.user,
                email=serializer.validated_data["email"],
            )
        return Response(NotificationPreferenceSerializer(preference).data)


INBOX_REFUSED = OpenApiResponse(description="Not signed in, or an API key was used.")
NO_NOTIFICATION = OpenApiResponse(description="No such notification in your inbox.")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your own notification inbox, newest first: the same entries as the inbox page."""

    serializer_class = NotificationSerializer
    # An inbox belongs to one person: no API key.
    access = {"*": Access.people_only()}
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    ordering = ["-created_at", "-id"]
    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return Notification.objects.filter(recipient=self.request.user)

    @extend_schema(
        responses={200: NotificationSerializer(many=True), 400: INVALID, 403: INBOX_REFUSED}
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: UnreadCountSerializer, 403: INBOX_REFUSED})
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        pagination_class=None,
        filter_backends=[],
    )
    def unread_count(self, request):
        """How many of your notifications are unread (the count in the page header)."""
        count = self.get_queryset().filter(read_at=None).count()
        return Response(UnreadCountSerializer({"unread": count}).data)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 403: INBOX_REFUSED, 404: NO_NOTIFICATION},
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def read(self, request, pk=None):
        """Mark one notification read; marking a read one again changes nothing."""
        notification = self.get_object()
        notifications.mark_read(request.user, [notification.pk])
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses={200: MarkedReadSerializer, 403: INBOX_REFUSED})
    @action(
        detail=False,
        methods=["post"],
        url_path="read-all",
        pagination_class=None,
        filter_backends=[],
    )
    def read_all(self, request):
        """Mark every unread notification read."""
        marked = notifications.mark_read(request.user)
        return Response(MarkedReadSerializer({"marked": marked}).data)
