"""/api/v1/notifications/: a person's own inbox, as on the inbox page."""

from datetime import timedelta

import pytest
from django.utils import timezone

from events.models import Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"


def note(user, title="Quote accepted", read=False, age=0):
    notification = Notification.objects.create(
        recipient=user,
        topic="quote.accepted",
        title=title,
        read_at=timezone.now() if read else None,
    )
    if age:
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - timedelta(minutes=age)
        )
    return notification


def titles(response):
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


def test_lists_only_your_own_notifications_newest_first(api_as, vendor_user, enterprise_user):
    note(vendor_user, "Older", age=10)
    note(vendor_user, "Newer")
    note(enterprise_user, "Not for the vendor")
    assert titles(api_as(vendor_user).get(URL)) == ["Newer", "Older"]


def test_title_is_translated_like_on_the_inbox_page(api_as, vendor_user):
    note(vendor_user, "Notification settings saved.")
    response = api_as(vendor_user).get(URL, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert titles(response) == ["通知设置已保存。"]


def test_unread_filter(api_as, vendor_user):
    note(vendor_user, "Unread one")
    note(vendor_user, "Read one", read=True)
    client = api_as(vendor_user)
    assert titles(client.get(URL, {"unread": "true"})) == ["Unread one"]
    assert titles(client.get(URL, {"unread": "false"})) == ["Read one"]


def test_bad_unread_value_is_a_400_naming_the_field(api_as, vendor_user):
    response = api_as(vendor_user).get(URL, {"unread": "maybe"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "unread" in response.json()["errors"]


def test_list_is_paginated(api_as, vendor_user):
    for i in range(3):
        note(vendor_user, f"N{i}")
    body = api_as(vendor_user).get(URL, {"page_size": 2}).json()
    assert body["count"] == 3 and len(body["results"]) == 2


def test_list_query_count_does_not_grow(api_as, vendor_user, django_assert_max_num_queries):
    for i in range(30):
        note(vendor_user, f"N{i}")
    client = api_as(vendor_user)
    with django_assert_max_num_queries(3):
        assert len(titles(client.get(URL, {"page_size": 30}))) == 30


def test_unread_count(api_as, vendor_user, enterprise_user):
    note(vendor_user)
    note(vendor_user)
    note(vendor_user, read=True)
    note(enterprise_user)
    response = api_as(vendor_user).get(URL + "unread-count/")
    assert response.status_code == 200 and response.json() == {"unread": 2}


def test_mark_one_read(api_as, vendor_user):
    mine, other = note(vendor_user), note(vendor_user)
    response = api_as(vendor_user).post(f"{URL}{mine.pk}/read/")
    assert response.status_code == 200
    assert response.json()["is_unread"] is False and response.json()["read_at"]
    mine.refresh_from_db(), other.refresh_from_db()
    assert not mine.is_unread and other.is_unread


def test_marking_someone_elses_notification_is_a_404(api_as, vendor_user, enterprise_user):
    theirs = note(enterprise_user)
    response = api_as(vendor_user).post(f"{URL}{theirs.pk}/read/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_mark_all_read_touches_only_your_own(api_as, vendor_user, enterprise_user):
    note(vendor_user), note(vendor_user), note(vendor_user, read=True)
    theirs = note(enterprise_user)
    response = api_as(vendor_user).post(URL + "read-all/")
    assert response.status_code == 200 and response.json() == {"marked": 2}
    assert not Notification.objects.filter(recipient=vendor_user, read_at=None).exists()
    theirs.refresh_from_db()
    assert theirs.is_unread


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("get", "unread-count/"), ("post", "read-all/"), ("post", "1/read/")],
)
def test_anonymous_is_refused(api, method, path):
    response = getattr(api, method)(URL + path)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("method", "path"), [("get", ""), ("get", "unread-count/"), ("post", "read-all/")]
)
def test_api_key_is_refused_an_inbox(api, vendor, vendor_user, key_for, method, path):
    note(vendor_user)
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key_for(vendor_user, vendor, ['catalog:read'])}")
    response = getattr(api, method)(URL + path)
    assert response.status_code == 403
    assert "API key" in response.json()["detail"]
    assert Notification.objects.filter(recipient=vendor_user, read_at=None).exists()
