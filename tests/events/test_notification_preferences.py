"""Each person chooses how notifications reach them by email: at once, daily digest, or off."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.models import OutboxEvent
from events import digest
from events import services as notifications
from events.models import Notification, NotificationPreference

pytestmark = pytest.mark.django_db

API = "/api/v1/me/notification-settings/"


def event():
    return OutboxEvent.objects.create(topic="quote.submitted", aggregate_type="x", aggregate_id="1")


def notify(user, on_commit, title="A quote arrived", email=True):
    with on_commit():
        notifications.notify(
            [user], event=event(), title=title, body="From Vendor 1", link="/quotes/1/", email=email
        )


def choose(user, mode):
    return notifications.set_email_preference(actor=user, user=user, email=mode)


def test_immediate_is_the_default(user, on_commit, mailoutbox):
    notify(user, on_commit)
    assert [m.subject for m in mailoutbox] == ["A quote arrived"]
    assert notifications.email_preference(user).email == "immediate"


def test_off_sends_no_email_but_the_inbox_has_it(user, on_commit, mailoutbox):
    choose(user, "off")
    notify(user, on_commit)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=user).count() == 1
    assert digest.send_daily_digests() == 0


def test_daily_digest_holds_emails_and_sends_one_digest(user, on_commit, mailoutbox):
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        choose(user, "daily_digest")
    notify(user, on_commit, title="A quote arrived")
    notify(user, on_commit, title="Your solution was approved")
    notify(user, on_commit, title="Inbox only", email=False)
    assert mailoutbox == []
    assert digest.send_daily_digests() == 1
    [mail] = mailoutbox
    assert mail.to == [user.email]
    assert mail.subject == "Your daily digest: 2 notifications"
    assert "A quote arrived" in mail.body and "Your solution was approved" in mail.body
    assert "Inbox only" not in mail.body and "/quotes/1/" in mail.body


def test_a_second_run_sends_nothing_again(user, on_commit, mailoutbox):
    choose(user, "daily_digest")
    notify(user, on_commit)
    assert digest.send_daily_digests() == 1
    assert digest.send_daily_digests() == 0
    assert len(mailoutbox) == 1
    notify(user, on_commit, title="Later news")
    assert digest.send_daily_digests() == 1
    assert "Later news" in mailoutbox[-1].body and "A quote arrived" not in mailoutbox[-1].body
    assert NotificationPreference.objects.get(user=user).last_digest_at is not None


def test_digest_starts_when_chosen_not_before(user, on_commit, mailoutbox):
    notify(user, on_commit, title="Emailed at once")
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=False):
        choose(user, "daily_digest")
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=False):
        notify(user, on_commit, title="Held for the digest")
        digest.send_daily_digests()
    assert [m.subject for m in mailoutbox][0] == "Emailed at once"
    assert "Held for the digest" in mailoutbox[-1].body
    assert "Emailed at once" not in mailoutbox[-1].body


def test_digest_is_in_the_readers_language(user, on_commit, mailoutbox):
    user.preferred_language = "zh-hans"
    user.save()
    choose(user, "daily_digest")
    notify(user, on_commit, title="Your solution was not accepted")
    digest.send_daily_digests()
    assert "您的解决方案未获通过" in mailoutbox[0].body


def test_a_mail_failure_leaves_the_digest_for_the_next_run(
    user, on_commit, mailoutbox, monkeypatch
):
    choose(user, "daily_digest")
    notify(user, on_commit)

    def down(*args, **kwargs):
        raise ConnectionError("smtp down")

    monkeypatch.setattr(digest, "send_mail", down)
    assert digest.send_daily_digests() == 0
    monkeypatch.undo()
    assert digest.send_daily_digests() == 1


def test_notify_keeps_two_queries_whatever_the_recipients(
    django_user_model, django_assert_num_queries
):
    users = [
        django_user_model.objects.create_user(f"reader{i}", email=f"r{i}@example.com")
        for i in range(5)
    ]
    happened = event()
    with django_assert_num_queries(2):
        notifications.notify(users, event=happened, title="Hello", email=True)


def test_api_reads_and_changes_my_preference(api_as, user):
    client = api_as(user)
    assert client.get(API).json()["email"] == "immediate"
    response = client.patch(API, {"email": "daily_digest"}, format="json")
    assert response.status_code == 200 and response.json()["daily_since"]
    assert NotificationPreference.objects.get(user=user).email == "daily_digest"


def test_api_refuses_an_unknown_mode_naming_the_field(api_as, user):
    response = api_as(user).patch(API, {"email": "hourly"}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]


def test_api_needs_a_signed_in_person(api):
    assert api.get(API).status_code in (401, 403)


def test_api_key_cannot_change_personal_settings(api, vendor, vendor_user, key_for):
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for(vendor_user, vendor, ['catalog:read'])}")
    assert api.patch(API, {"email": "off"}, format="json").status_code == 403
    assert not NotificationPreference.objects.filter(user=vendor_user).exists()


def test_nobody_changes_someone_elses_preference(user, stranger, client):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        notifications.set_email_preference(actor=stranger, user=user, email="off")
    client.force_login(stranger)
    client.post("/account/notifications/", {"email": "off"})
    assert notifications.email_preference(user).email == "immediate"
    assert notifications.email_preference(stranger).email == "off"


def test_settings_page(client, user):
    client.force_login(user)
    page = client.get("/account/notifications/")
    assert page.status_code == 200 and b"daily_digest" in page.content
    response = client.post("/account/notifications/", {"email": "daily_digest"})
    assert response.status_code == 302
    assert notifications.email_preference(user).email == "daily_digest"
    bad = client.post("/account/notifications/", {"email": "weekly"})
    assert bad.status_code == 200 and b"field--invalid" in bad.content


def test_settings_page_needs_sign_in(client):
    assert client.get("/account/notifications/").status_code == 302
