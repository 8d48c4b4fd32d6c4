"""The review workflow on real services: a Celery worker with embedded beat, on Redis, against
PostgreSQL. Pre-checks, notifications and escalations run on the worker, as in production.

Beat schedules the SLA tasks every 15 minutes, too slow for a test, and the schedule is not
configurable from the environment; so the escalation task is sent with `.delay()` to prove the
worker runs it, and beat is proved alive by its 60-second outbox sweep delivering an event
that nothing else would deliver."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from catalog import deadlines, services, tasks
from catalog.models import Solution
from core.models import OutboxEvent
from events.models import Notification
from tests.factories import MembershipFactory, OperatorFactory, SolutionFactory, VendorFactory
from tests.worker import celery_worker, requires_services, wait_for

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services, requires_services]


def cast():
    vendor = VendorFactory()
    vendor_user = MembershipFactory(organization=vendor).user
    operator = OperatorFactory()
    reviewer = MembershipFactory(organization=operator, role=Membership.Role.MEMBER,
                                 is_reviewer=True).user
    admin = MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user
    return vendor, vendor_user, reviewer, admin


def topics_of(user):
    return set(Notification.objects.filter(recipient=user).values_list("topic", flat=True))


def submit_and_wait_for_review(solution, vendor_user):
    services.submit_solution(actor=vendor_user, solution=solution)
    wait_for(lambda: Solution.objects.get(pk=solution.pk).status == "in_review",
             what="the pre-checks on the worker to move the solution into review")
    solution.refresh_from_db()
    return solution


def test_submission_is_checked_on_the_worker_approved_and_the_vendor_told():
    vendor, vendor_user, reviewer, _ = cast()
    other_vendor_user = MembershipFactory(organization=VendorFactory()).user
    with celery_worker(beat=True):
        solution = submit_and_wait_for_review(SolutionFactory(vendor=vendor), vendor_user)
        assert solution.reviewer == reviewer
        assert solution.review_due_at is not None
        assert solution.check_results.filter(code="completeness", passed=True).exists()

        services.approve(actor=reviewer, subject=solution, comment="Convincing evidence.")

        expected = {"solution.submitted", "solution.in_review", "solution.published"}
        wait_for(lambda: topics_of(vendor_user) >= expected,
                 what="the vendor's notifications, delivered by the worker")
    assert topics_of(reviewer) == {"solution.in_review"}
    assert topics_of(other_vendor_user) == set()


def test_overdue_review_is_escalated_on_the_worker_and_beat_sweeps_the_outbox():
    vendor, vendor_user, reviewer, admin = cast()
    with celery_worker(beat=True):
        solution = submit_and_wait_for_review(SolutionFactory(vendor=vendor), vendor_user)
        Solution.objects.filter(pk=solution.pk).update(
            review_due_at=timezone.now() - timedelta(hours=1))

        tasks.escalate_overdue_reviews.delay()

        wait_for(lambda: Notification.objects.filter(
            recipient=admin, topic=deadlines.ESCALATION_TOPIC).exists(),
            what="the escalation to reach the operator admin")
        solution.refresh_from_db()
        assert solution.escalated_at is not None

        # Written without emit(), so no dispatch is scheduled: only beat's sweep delivers it.
        stray = OutboxEvent.objects.create(topic="test.beat-sweep", aggregate_type="test",
                                           aggregate_id="1")
        wait_for(lambda: OutboxEvent.objects.get(pk=stray.pk).dispatched_at is not None,
                 timeout=90, what="beat's 60-second outbox sweep")
    assert not Notification.objects.filter(topic=deadlines.ESCALATION_TOPIC,
                                           recipient__in=[reviewer, vendor_user]).exists()
