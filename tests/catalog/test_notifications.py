"""Every party hears of every review step, in the inbox and by email, and nobody else does."""

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from catalog import services, workflow
from catalog.models import ReviewReason, Solution
from core import registry, relay
from core.models import Delivery, OutboxEvent
from events.models import Notification
from tests.factories import MembershipFactory, SolutionFactory
from tests.web.conftest import compiled_translations  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague(vendor):
    return MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user


@pytest.fixture
def operator_admin(operator):
    return MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user


@pytest.fixture
def in_review(vendor, vendor_user, reviewer, on_commit):
    solution = SolutionFactory(vendor=vendor)
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == "in_review"
    return solution


@pytest.fixture
def revision_in_review(vendor, vendor_user, reviewer, on_commit):
    live = SolutionFactory(vendor=vendor, status="published")
    revision = services.propose_change(actor=vendor_user, solution=live,
                                       data={"title_en": "Spindle guard v2"})
    with on_commit():
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    assert revision.status == "in_review"
    return revision


def inbox(user):
    return [(n.topic, n.title, n.link)
            for n in Notification.objects.filter(recipient=user).order_by("id")]


def topics(user):
    return [topic for topic, _, _ in inbox(user)]


def test_submission_and_review_start_reach_the_vendors_members_and_the_reviewer(
    colleague, other_vendor_user, operator_admin, in_review, vendor_user, reviewer
):
    page, review_page = f"/solutions/{in_review.pk}/", f"/review/{in_review.pk}/"
    expected = [
        ("solution.submitted", "We received your solution for review", page),
        ("solution.in_review", "Your solution is in review", page),
    ]
    assert inbox(vendor_user) == expected
    assert inbox(colleague) == expected
    assert inbox(reviewer) == [
        ("solution.in_review", "A solution awaits your review", review_page)
    ]
    assert inbox(other_vendor_user) == []
    assert inbox(operator_admin) == []
    body = Notification.objects.filter(recipient=vendor_user).first().body
    assert in_review.title_en in body


def test_approval_tells_the_vendor_once_that_it_is_published(in_review, vendor_user, reviewer,
                                                              other_vendor_user, on_commit):
    with on_commit():
        services.approve(actor=reviewer, subject=in_review, comment="Solid evidence.")
    assert topics(vendor_user)[2:] == ["solution.published"]
    assert topics(reviewer) == ["solution.in_review"]
    assert inbox(other_vendor_user) == []


@pytest.mark.parametrize("decide, topic", [
    (services.request_changes, "solution.changes_requested"),
    (services.reject, "solution.rejected"),
])
def test_decision_tells_the_vendor_the_reasons_and_the_comment(in_review, vendor_user, reviewer,
                                                               other_vendor_user, on_commit,
                                                               decide, topic):
    with on_commit():
        decide(actor=reviewer, subject=in_review, reason_codes=["incomplete-evidence"],
               comment="Add the before/after downtime figures.")
    notice = Notification.objects.get(recipient=vendor_user, topic=topic)
    assert notice.link == f"/solutions/{in_review.pk}/"
    assert "Incomplete evidence" in notice.body
    assert "Add the before/after downtime figures." in notice.body
    assert topics(reviewer) == ["solution.in_review"]
    assert inbox(other_vendor_user) == []


def test_reasons_are_written_in_the_vendors_language(in_review, vendor_user, reviewer,
                                                     on_commit):
    vendor_user.preferred_language = "zh-hans"
    vendor_user.save()
    with on_commit():
        services.reject(actor=reviewer, subject=in_review, reason_codes=["duplicate"],
                        comment="与已有方案重复。")
    notice = Notification.objects.get(recipient=vendor_user, topic="solution.rejected")
    assert ReviewReason.objects.get(code="duplicate").label_zh in notice.body
    assert in_review.title_zh in notice.body


def test_first_of_two_approvals_tells_the_vendor_a_second_is_awaited(in_review, vendor_user,
                                                                     reviewer, on_commit):
    Solution.objects.filter(pk=in_review.pk).update(needs_second_approval=True)
    in_review.refresh_from_db()
    with on_commit():
        services.approve(actor=reviewer, subject=in_review)
    assert inbox(vendor_user)[-1] == ("solution.in_review",
                                      "Your solution awaits a second approval",
                                      f"/solutions/{in_review.pk}/")
    assert topics(reviewer) == ["solution.in_review"]  # not "assigned to you" again


def test_archiving_tells_the_vendor(vendor, vendor_user, colleague, other_vendor_user, on_commit):
    live = SolutionFactory(vendor=vendor, status="published")
    with on_commit():
        services.archive_solution(actor=vendor_user, solution=live)
    assert topics(vendor_user) == topics(colleague) == ["solution.archived"]
    assert inbox(other_vendor_user) == []


def test_change_to_a_live_solution_is_followed_to_live(revision_in_review, vendor_user, reviewer,
                                                       other_vendor_user, on_commit):
    revision = revision_in_review
    page = f"/solutions/{revision.solution_id}/revisions/{revision.number}/"
    with on_commit():
        services.approve(actor=reviewer, subject=revision)
    assert inbox(vendor_user) == [
        ("revision.submitted", "We received your change for review", page),
        ("revision.in_review", "Your change is in review", page),
        ("revision.approved", "Your change is live", page),
    ]
    assert inbox(reviewer) == [("revision.in_review",
                                "A change to a live solution awaits your review",
                                f"/review/revisions/{revision.pk}/")]
    assert inbox(other_vendor_user) == []


def test_imported_listings_notify_nobody(vendor, vendor_user, operator_admin):
    solution = SolutionFactory(vendor=vendor)
    workflow.record_import(solution, operator_admin)
    relay.dispatch_pending()
    assert inbox(vendor_user) == []


# Email


def test_each_notification_is_emailed_once_even_when_the_event_is_delivered_again(
    vendor, vendor_user, colleague, reviewer, on_commit, mailoutbox
):
    solution = SolutionFactory(vendor=vendor)
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    sent = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert sent == sorted([
        (vendor_user.email, "We received your solution for review"),
        (colleague.email, "We received your solution for review"),
        (vendor_user.email, "Your solution is in review"),
        (colleague.email, "Your solution is in review"),
        (reviewer.email, "A solution awaits your review"),
    ])
    assert f"/solutions/{solution.pk}/" in mailoutbox[0].body

    OutboxEvent.objects.update(dispatched_at=None)  # delivered again, e.g. after a crash
    with on_commit():
        assert relay.dispatch_pending() == 2
    assert len(mailoutbox) == 5
    assert Notification.objects.count() == 5


def test_email_subject_is_in_the_recipients_language(in_review, vendor_user, reviewer,
                                                     on_commit, mailoutbox,
                                                     compiled_translations):  # noqa: F811
    vendor_user.preferred_language = "zh-hans"
    vendor_user.save()
    mailoutbox.clear()
    with on_commit():
        services.reject(actor=reviewer, subject=in_review, reason_codes=["duplicate"],
                        comment="重复")
    [mail] = mailoutbox
    assert mail.subject == "您的解决方案未获通过"
    # The inbox keeps the untranslated title and translates it when shown.
    assert Notification.objects.get(recipient=vendor_user,
                                    topic="solution.rejected").title == (
        "Your solution was not accepted")


def test_people_without_an_email_address_get_the_inbox_only(vendor, vendor_user, colleague,
                                                            reviewer, on_commit, mailoutbox):
    colleague.email = ""
    colleague.save()
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=SolutionFactory(vendor=vendor))
    assert colleague.email not in {m.to[0] for m in mailoutbox}
    assert topics(colleague) == ["solution.submitted", "solution.in_review"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_consumer_holds_back_no_email_and_its_retry_sends_none_twice(mailoutbox):
    from tests.factories import VendorFactory

    vendor = VendorFactory()
    member = MembershipFactory(organization=vendor).user
    solution = SolutionFactory(vendor=vendor)
    calls = []

    def flaky(event):
        calls.append(event.pk)
        if len(calls) == 1:
            raise ConnectionError("a later consumer fails")

    registry.subscribe("solution.archived", flaky)
    try:
        with transaction.atomic():
            solution.status = "published"
            solution.save()
        services.archive_solution(actor=member, solution=solution)  # delivered at commit
        # The vendor's notification is its own delivery: it does not wait for `flaky`.
        assert [m.to for m in mailoutbox] == [[member.email]]
        assert Notification.objects.filter(recipient=member).count() == 1

        Delivery.objects.filter(status="pending").update(next_attempt_at=timezone.now())
        relay.dispatch_pending()  # the sweep retries the failed consumer only
    finally:
        registry._consumers["solution.archived"].remove(flaky)
    assert len(calls) == 2
    assert [m.to for m in mailoutbox] == [[member.email]]
    assert Notification.objects.filter(recipient=member).count() == 1
