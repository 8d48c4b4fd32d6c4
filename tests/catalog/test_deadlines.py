"""Review deadlines: due dates in business days, a reminder before, an escalation after."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Membership
from catalog import deadlines, services, sla, tasks
from catalog.models import SolutionStatus
from core import relay
from core.models import OutboxEvent
from events.models import Notification
from tests.factories import MembershipFactory, SolutionFactory

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args):
    return datetime(*args, tzinfo=SHANGHAI)


def clock(*args):
    return time_machine.travel(at(*args), tick=False)


@pytest.fixture
def operator_admin(operator):
    return MembershipFactory(organization=operator, role=Membership.Role.ADMIN).user


def put_in_review(solution, vendor_user, on_commit):
    with on_commit():
        services.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.IN_REVIEW
    return solution


@pytest.fixture
def submitted_on_friday(vendor, vendor_user, reviewer, on_commit):
    """In review since Friday 7 March 2025, 10:00: due Friday 14th, reminder Thursday 13th."""
    with clock(2025, 3, 7, 10, 0):
        return put_in_review(SolutionFactory(vendor=vendor), vendor_user, on_commit)


def received(user, topic):
    return list(Notification.objects.filter(recipient=user, topic=topic))


def run(on_commit, service, *when):
    with clock(*when), on_commit():
        return service()


# Due dates


def test_submission_on_friday_is_due_the_next_friday_at_the_same_time(submitted_on_friday):
    assert submitted_on_friday.review_due_at == at(2025, 3, 14, 10, 0)
    assert sla.reminder_at(submitted_on_friday.review_due_at) == at(2025, 3, 13, 10, 0)


def test_national_day_holiday_is_not_counted():
    # 1-7 October 2024 are off; Saturday 12 October was a make-up working day.
    assert sla.add_business_days(at(2024, 9, 30, 10, 0), 1) == at(2024, 10, 8, 10, 0)
    assert sla.review_due_at(at(2024, 9, 30, 10, 0)) == at(2024, 10, 12, 10, 0)
    assert sla.reminder_at(at(2024, 10, 8, 10, 0)) == at(2024, 9, 30, 10, 0)


def test_due_date_set_on_entering_review_skips_the_holiday(vendor, vendor_user, reviewer,
                                                           on_commit):
    with clock(2024, 9, 30, 16, 30):
        solution = put_in_review(SolutionFactory(vendor=vendor), vendor_user, on_commit)
    assert solution.review_due_at == at(2024, 10, 12, 16, 30)


# Reminders


def test_no_reminder_before_the_reminder_time(submitted_on_friday, reviewer, on_commit):
    counts = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 9, 59)
    assert counts == {"solutions": 0, "revisions": 0}
    assert received(reviewer, deadlines.REMINDER_TOPIC) == []
    submitted_on_friday.refresh_from_db()
    assert submitted_on_friday.reminded_at is None


def test_reviewer_is_reminded_once_before_the_due_time(submitted_on_friday, reviewer,
                                                       vendor_user, operator_admin, on_commit,
                                                       mailoutbox):
    mailoutbox.clear()  # the submission's own notices
    first = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 0)
    again = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 12, 0)

    assert first == {"solutions": 1, "revisions": 0}
    assert again == {"solutions": 0, "revisions": 0}
    [reminder] = received(reviewer, deadlines.REMINDER_TOPIC)
    assert reminder.link == f"/review/{submitted_on_friday.pk}/"
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    assert not received(vendor_user, deadlines.REMINDER_TOPIC)
    assert not received(operator_admin, deadlines.REMINDER_TOPIC)
    submitted_on_friday.refresh_from_db()
    assert submitted_on_friday.reminded_at == at(2025, 3, 13, 10, 0)


def test_reassigned_review_reminds_the_new_reviewer(submitted_on_friday, reviewer,
                                                    operator, operator_admin, on_commit):
    run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 0)
    colleague = MembershipFactory(organization=operator, role=Membership.Role.MEMBER,
                                  is_reviewer=True).user
    with on_commit():  # the reassignment commits, as it does in use
        services.reassign_reviewer(actor=operator_admin, subject=submitted_on_friday,
                                   reviewer=colleague)

    counts = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 15)

    assert counts["solutions"] == 1
    assert len(received(colleague, deadlines.REMINDER_TOPIC)) == 1
    assert len(received(reviewer, deadlines.REMINDER_TOPIC)) == 1


def test_decided_review_is_not_reminded(submitted_on_friday, reviewer, on_commit):
    with clock(2025, 3, 12, 9, 0), on_commit():
        services.approve(actor=reviewer, subject=submitted_on_friday)
    counts = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 0)
    assert counts["solutions"] == 0


def test_escalated_review_is_not_reminded_any_more(submitted_on_friday, reviewer, on_commit):
    run(on_commit, deadlines.escalate_overdue_reviews, 2025, 3, 14, 10, 0)
    counts = run(on_commit, deadlines.send_review_reminders, 2025, 3, 14, 10, 5)
    assert counts["solutions"] == 0
    assert received(reviewer, deadlines.REMINDER_TOPIC) == []


def test_change_to_a_live_solution_is_reminded_and_escalated_too(vendor, vendor_user, reviewer,
                                                                 operator_admin, on_commit):
    live = SolutionFactory(vendor=vendor, status="published")
    with clock(2025, 3, 7, 10, 0), on_commit():
        revision = services.propose_change(actor=vendor_user, solution=live,
                                           data={"title_en": "Spindle guard v2"})
        services.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    assert revision.status == "in_review" and revision.review_due_at == at(2025, 3, 14, 10, 0)

    reminded = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 0)
    escalated = run(on_commit, deadlines.escalate_overdue_reviews, 2025, 3, 14, 10, 0)

    assert reminded == escalated == {"solutions": 0, "revisions": 1}
    [reminder] = received(reviewer, deadlines.REMINDER_TOPIC)
    assert reminder.link == f"/review/revisions/{revision.pk}/"
    [escalation] = received(operator_admin, deadlines.ESCALATION_TOPIC)
    assert escalation.link == f"/review/revisions/{revision.pk}/"


# Escalation


def test_review_is_not_escalated_before_its_due_time(submitted_on_friday, on_commit):
    counts = run(on_commit, deadlines.escalate_overdue_reviews, 2025, 3, 14, 9, 59)
    assert counts == {"solutions": 0, "revisions": 0}
    assert not OutboxEvent.objects.filter(topic=deadlines.ESCALATION_TOPIC).exists()


def test_overdue_review_is_escalated_once_to_operator_admins_only(
    submitted_on_friday, reviewer, vendor_user, other_vendor_user, operator_admin, operator,
    on_commit, mailoutbox,
):
    owner = MembershipFactory(organization=operator, role=Membership.Role.OWNER).user
    mailoutbox.clear()

    first = run(on_commit, deadlines.escalate_overdue_reviews, 2025, 3, 14, 10, 0)
    again = run(on_commit, deadlines.escalate_overdue_reviews, 2025, 3, 17, 9, 0)

    assert first == {"solutions": 1, "revisions": 0}
    assert again == {"solutions": 0, "revisions": 0}
    escalated_to = set(Notification.objects.filter(topic=deadlines.ESCALATION_TOPIC)
                       .values_list("recipient", flat=True))
    assert escalated_to == {operator_admin.pk, owner.pk}
    assert sorted(m.to[0] for m in mailoutbox) == sorted([operator_admin.email, owner.email])
    [notice] = received(operator_admin, deadlines.ESCALATION_TOPIC)
    assert notice.link == f"/review/{submitted_on_friday.pk}/"
    assert reviewer.username in notice.body
    submitted_on_friday.refresh_from_db()
    assert submitted_on_friday.escalated_at == at(2025, 3, 14, 10, 0)


def test_beat_tasks_call_the_services(submitted_on_friday, reviewer, operator_admin, on_commit):
    with clock(2025, 3, 13, 10, 0), on_commit():
        tasks.send_review_reminders.delay()
    with clock(2025, 3, 14, 10, 0), on_commit():
        tasks.escalate_overdue_reviews.delay()
    assert len(received(reviewer, deadlines.REMINDER_TOPIC)) == 1
    assert len(received(operator_admin, deadlines.ESCALATION_TOPIC)) == 1


def test_broker_outage_delays_the_reminder_and_never_drops_it(submitted_on_friday, reviewer,
                                                              on_commit, monkeypatch):
    from core.tasks import dispatch_outbox

    def broker_down():
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(dispatch_outbox, "delay", broker_down)
    counts = run(on_commit, deadlines.send_review_reminders, 2025, 3, 13, 10, 0)
    assert counts["solutions"] == 1
    assert received(reviewer, deadlines.REMINDER_TOPIC) == []
    assert OutboxEvent.objects.filter(topic=deadlines.REMINDER_TOPIC,
                                      dispatched_at=None).count() == 1

    monkeypatch.undo()
    with on_commit():
        relay.dispatch_pending()  # the beat sweep, once the broker is back
    assert len(received(reviewer, deadlines.REMINDER_TOPIC)) == 1
