from django.urls import path

from . import views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-mark-read"),
    path("account/notifications/", views.notification_settings, name="notification-settings"),
    path("account/webhooks/", views.webhook_list, name="webhook-list"),
    path("account/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("account/webhooks/<int:pk>/<slug:action>/", views.webhook_action, name="webhook-action"),
    path(
        "account/webhook-deliveries/<int:pk>/redeliver/",
        views.webhook_redeliver,
        name="webhook-redeliver",
    ),
    path("operations/dead-letters/", views.dead_letter_list, name="dead-letters"),
    path("operations/dead-letters/retry/", views.dead_letter_retry, name="dead-letter-retry"),
]
