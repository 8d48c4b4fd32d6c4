"""The dashboard per role, the inbox, the header, and the pages in Chinese."""

import pytest
from django.urls import reverse

from catalog.models import SolutionStatus
from events.models import Notification
from marketplace.models import QuoteRequest
from tests.factories import NeedFactory, SolutionFactory

pytestmark = pytest.mark.django_db
S = SolutionStatus


def test_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_vendor_dashboard_groups_solutions_by_state_with_next_steps(
    as_user, vendor_user, vendor, draft, published, enterprise
):
    SolutionFactory(status=S.DRAFT, title_en="Someone else's draft")
    request = QuoteRequest.objects.create(enterprise=enterprise, title="Quote for 40 spindles")
    request.vendors.set([vendor])

    response = as_user(vendor_user).get(reverse("dashboard"))

    assert response.status_code == 200
    groups = {g["status"]: [s.pk for s in g["solutions"]]
              for g in response.context["vendor_panel"]["groups"]}
    assert groups == {S.DRAFT: [draft.pk], S.PUBLISHED: [published.pk]}
    html = response.content.decode()
    assert reverse("solution-edit", args=[draft.pk]) in html
    assert "Someone else's draft" not in html
    assert "Quote for 40 spindles" in html
    assert reverse("quote-create", args=[request.pk]) in html
    assert response.context["enterprise_panel"] is None
    assert response.context["review_panel"] is None


def test_enterprise_dashboard_shows_its_needs_and_requests_only(as_user, enterprise_user,
                                                                enterprise):
    NeedFactory(enterprise=enterprise, title="Our own need")
    NeedFactory(title="A competitor's need")
    QuoteRequest.objects.create(enterprise=enterprise, title="Our request")

    response = as_user(enterprise_user).get(reverse("dashboard"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Our own need" in html and "Our request" in html
    assert "A competitor's need" not in html
    assert response.context["vendor_panel"] is None


def test_reviewer_dashboard_shows_the_assigned_reviews(as_user, reviewer, in_review):
    response = as_user(reviewer).get(reverse("dashboard"))
    assert response.status_code == 200
    assert [s.pk for s in response.context["review_panel"]["assigned"]] == [in_review.pk]
    assert reverse("review-decision", args=[in_review.pk]) in response.content.decode()


def test_header_shows_the_organisation_and_unread_count(as_user, vendor_user, vendor):
    Notification.objects.create(recipient=vendor_user, topic="t", title="One")
    Notification.objects.create(recipient=vendor_user, topic="t", title="Two")
    response = as_user(vendor_user).get(reverse("home"))
    html = response.content.decode()
    assert vendor.name in html
    assert '<span class="count-badge">2</span>' in html


def test_inbox_lists_only_the_users_notifications(as_user, vendor_user, enterprise_user):
    Notification.objects.create(recipient=vendor_user, topic="t", title="Quote accepted")
    Notification.objects.create(recipient=enterprise_user, topic="t", title="Not for the vendor")
    response = as_user(vendor_user).get(reverse("inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quote accepted" in html
    assert "Not for the vendor" not in html


def test_opening_a_notification_marks_it_read_and_follows_its_link(as_user, vendor_user,
                                                                   published):
    link = reverse("solution-detail", args=[published.pk])
    notification = Notification.objects.create(recipient=vendor_user, topic="t", title="Hi",
                                               link=link)
    response = as_user(vendor_user).post(reverse("inbox-mark-read"),
                                         {"id": notification.pk, "next": link})
    assert response.status_code == 302 and response.url == link
    notification.refresh_from_db()
    assert not notification.is_unread


def test_marking_read_never_touches_another_users_notification(as_user, vendor_user,
                                                               enterprise_user):
    theirs = Notification.objects.create(recipient=enterprise_user, topic="t", title="Theirs")
    as_user(vendor_user).post(reverse("inbox-mark-read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.is_unread


def test_mark_read_never_redirects_off_site(as_user, vendor_user):
    response = as_user(vendor_user).post(reverse("inbox-mark-read"),
                                         {"all": "1", "next": "https://evil.example/"})
    assert response.url == reverse("inbox")


def test_inbox_needs_sign_in(client):
    assert client.get(reverse("inbox")).status_code == 302


def test_pages_speak_chinese_when_chinese_is_chosen(compiled_translations, client, published):
    client.cookies["django_language"] = "zh-hans"
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "智造汇" in html and "搜索" in html and "方案目录" in html
    assert "Search</a>" not in html
    detail = client.get(reverse("solution-detail", args=[published.pk])).content.decode()
    assert published.title_zh in detail
    assert "¥30万 – ¥120万" in detail


def test_inbox_titles_are_translated_for_the_reader(compiled_translations, as_user,
                                                    vendor_user):
    Notification.objects.create(recipient=vendor_user, topic="solution.published",
                                title="Your solution is published")
    client = as_user(vendor_user)
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("inbox")).content.decode()
    assert "您的解决方案已发布" in html


def test_language_switcher_posts_to_set_language(client):
    html = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "zh-hans"
