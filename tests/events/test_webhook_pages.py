"""/account/webhooks/: the organisation admin's web page for webhooks."""

import pytest

from events.models import WebhookDelivery, WebhookSubscription
from events.webhooks import services as webhooks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("webhook_settings")]


@pytest.fixture
def admin_client(client, vendor_user):
    client.force_login(vendor_user)
    return client


def test_admin_creates_a_webhook_and_sees_the_secret_once(admin_client, receiver):
    response = admin_client.post(
        "/account/webhooks/",
        {
            "url": f"{receiver.url}/in",
            "topics": ["rfq.received", "quote.accepted"],
            "description": "ERP",
        },
    )
    sub = WebhookSubscription.objects.get()
    # The secret is in the answer to the POST itself, not kept for a redirected page.
    assert response.status_code == 200 and sub.secret in response.content.decode()
    assert sub.secret not in admin_client.get(f"/account/webhooks/{sub.pk}/").content.decode()
    assert sub.url in admin_client.get("/account/webhooks/").content.decode()


def test_bad_input_is_shown_inline(admin_client, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    response = admin_client.post("/account/webhooks/", {"url": "http://127.0.0.1/x", "topics": []})
    assert response.status_code == 200
    html = response.content.decode()
    assert "field--invalid" in html and "non-public" in html
    assert not WebhookSubscription.objects.exists()


def test_disable_enable_ping_and_redeliver(
    admin_client, vendor, vendor_user, receiver, django_capture_on_commit_callbacks
):
    sub, _ = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=f"{receiver.url}/in", topics=["rfq.received"]
    )
    admin_client.post(f"/account/webhooks/{sub.pk}/disable/")
    sub.refresh_from_db()
    assert not sub.is_active and sub.disabled_reason == "manual"
    admin_client.post(f"/account/webhooks/{sub.pk}/enable/")
    sub.refresh_from_db()
    assert sub.is_active
    receiver.answer(500, 500, 500)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/account/webhooks/{sub.pk}/ping/")
    delivery = WebhookDelivery.objects.get()
    page = admin_client.get(f"/account/webhooks/{sub.pk}/").content.decode()
    assert "HTTP 500" in page and f"/account/webhook-deliveries/{delivery.pk}/redeliver/" in page
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(f"/account/webhook-deliveries/{delivery.pk}/redeliver/")
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"


def test_rotate_shows_the_new_secret_once_and_delete(admin_client, vendor, vendor_user, receiver):
    sub, old = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=f"{receiver.url}/in", topics=["rfq.received"]
    )
    response = admin_client.post(f"/account/webhooks/{sub.pk}/rotate/", follow=True)
    sub.refresh_from_db()
    assert sub.secret != old and sub.secret in response.content.decode()
    admin_client.post(f"/account/webhooks/{sub.pk}/delete/")
    assert not WebhookSubscription.objects.exists()


def test_plain_member_is_refused(client, vendor_member):
    client.force_login(vendor_member)
    assert client.get("/account/webhooks/").status_code == 403


def test_admin_of_another_organisation_gets_404(
    client, vendor, vendor_user, other_vendor_user, receiver
):
    sub, _ = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=f"{receiver.url}/in", topics=["rfq.received"]
    )
    client.force_login(other_vendor_user)
    assert client.get(f"/account/webhooks/{sub.pk}/").status_code == 404
    assert client.post(f"/account/webhooks/{sub.pk}/delete/").status_code == 404
    assert WebhookSubscription.objects.exists()


def test_settings_page_links_admins_to_webhooks(admin_client, client, vendor_member):
    assert "/account/webhooks/" in admin_client.get("/account/notifications/").content.decode()
    client.force_login(vendor_member)
    assert "/account/webhooks/" not in client.get("/account/notifications/").content.decode()
