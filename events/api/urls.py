from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    NotificationSettingsView,
    NotificationViewSet,
    WebhookDeliveryViewSet,
    WebhookSubscriptionViewSet,
)

router = SimpleRouter()
# Not "webhook": the web pages already use webhook-list and webhook-detail.
router.register("webhooks", WebhookSubscriptionViewSet, basename="webhook-subscription")
router.register("webhook-deliveries", WebhookDeliveryViewSet, basename="webhook-delivery")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path(
        "me/notification-settings/",
        NotificationSettingsView.as_view(),
        name="notification-settings-api",
    ),
    *router.urls,
]
