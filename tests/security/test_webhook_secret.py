"""A new webhook signing secret (issue 13, item 8) is shown once, in the answer to the POST
that created or rotated it: never kept in the session store for a later page, and never
cached."""

import pytest
from django.contrib.sessions.models import Session

from events.models import WebhookSubscription
from events.webhooks import services as webhooks

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/hooks"  # never called: creating or rotating delivers nothing


@pytest.fixture(autouse=True)
def local_webhooks(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_ALLOW_HTTP = True


@pytest.fixture
def admin_client(client, vendor_user):
    client.force_login(vendor_user)
    return client


def assert_nowhere_in_sessions(client, secret):
    assert secret not in repr(dict(client.session.items()))
    for stored in Session.objects.all():
        assert secret not in repr(stored.get_decoded())


def assert_shown_once(response, secret):
    assert response.status_code == 200
    assert secret in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_a_new_secret_is_shown_in_the_creating_response_and_not_kept(admin_client):
    response = admin_client.post("/account/webhooks/",
                                 {"url": URL, "topics": ["rfq.received"], "description": "ERP"})
    subscription = WebhookSubscription.objects.get()
    assert_shown_once(response, subscription.secret)
    assert_nowhere_in_sessions(admin_client, subscription.secret)
    page = admin_client.get(f"/account/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in page
    assert subscription.secret not in admin_client.get("/account/webhooks/").content.decode()


def test_the_page_showing_a_new_secret_saves_to_the_webhook_not_to_the_list(admin_client):
    """The page answers POST /account/webhooks/; its settings form must not post there again
    (that would create a second webhook)."""
    html = admin_client.post("/account/webhooks/",
                             {"url": URL, "topics": ["rfq.received"]}).content.decode()
    subscription = WebhookSubscription.objects.get()
    assert f'action="/account/webhooks/{subscription.pk}/"' in html
    assert 'method="post" class="form"' not in html  # no form posting to "this URL"


def test_a_rotated_secret_is_shown_in_the_rotating_response_and_not_kept(
    admin_client, vendor, vendor_user
):
    subscription, old = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=URL, topics=["rfq.received"])
    response = admin_client.post(f"/account/webhooks/{subscription.pk}/rotate/")
    subscription.refresh_from_db()
    assert subscription.secret != old
    assert_shown_once(response, subscription.secret)
    assert_nowhere_in_sessions(admin_client, subscription.secret)
    page = admin_client.get(f"/account/webhooks/{subscription.pk}/").content.decode()
    assert subscription.secret not in page and old not in page


def test_an_ordinary_visit_of_the_page_shows_no_secret(admin_client, vendor, vendor_user):
    subscription, secret = webhooks.create_subscription(
        actor=vendor_user, organization=vendor, url=URL, topics=["rfq.received"])
    response = admin_client.get(f"/account/webhooks/{subscription.pk}/")
    assert response.status_code == 200 and secret not in response.content.decode()
