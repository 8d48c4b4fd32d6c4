"""Followers hear of new and changed published solutions, each once per event and never the
vendor's own people; vendors hear of new needs they fit (or are invited to)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from catalog import services as catalog
from catalog.models import Industry, Scenario, SolutionStatus
from core.models import OutboxEvent
from core.outbox import emit
from events.models import Notification
from events.notices import marketplace as notices
from marketplace import services as marketplace
from tests.factories import (
    EnterpriseFactory,
    MembershipFactory,
    NeedFactory,
    SolutionFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db
FOLLOWED_TOPICS = ("solution.published", "solution.updated")


def enterprise_member():
    return MembershipFactory(organization=EnterpriseFactory()).user


def scenario(code="2025-28"):
    return Scenario.objects.get(code=code)


def told(user, topic):
    return list(Notification.objects.filter(recipient=user, topic=topic))


def publish_through_review(solution, vendor_user, reviewer, on_commit):
    with on_commit():
        catalog.submit_solution(actor=vendor_user, solution=solution)
    solution.refresh_from_db()
    with on_commit():
        catalog.approve(actor=reviewer, subject=solution, comment="Fine.")
    solution.refresh_from_db()
    assert solution.status == SolutionStatus.PUBLISHED


def test_publication_reaches_scenario_and_vendor_followers_once_each(
    vendor, vendor_user, reviewer, on_commit, mailoutbox
):
    by_scenario, by_vendor, by_both, elsewhere = (enterprise_member() for _ in range(4))
    marketplace.follow(actor=by_scenario, target=scenario())
    marketplace.follow(actor=by_vendor, target=vendor)
    marketplace.follow(actor=by_both, target=scenario())
    marketplace.follow(actor=by_both, target=vendor)
    marketplace.follow(actor=elsewhere, target=scenario("2025-01"))
    solution = SolutionFactory(vendor=vendor, scenarios=["2025-28"])
    publish_through_review(solution, vendor_user, reviewer, on_commit)
    for user in (by_scenario, by_vendor, by_both):
        [note] = told(user, "solution.published")
        assert note.link == f"/solutions/{solution.pk}/"
        assert solution.title_en in note.body
    assert not told(elsewhere, "solution.published")
    assert {m.to[0] for m in mailoutbox} >= {by_scenario.email, by_vendor.email, by_both.email}


def test_the_vendors_own_members_are_never_told_as_followers(vendor, vendor_user):
    # A vendor member who also belongs to an enterprise follows its own vendor's scenario.
    MembershipFactory(organization=EnterpriseFactory(), user=vendor_user)
    marketplace.follow(actor=vendor_user, target=scenario())
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    event = emit("solution.published", solution, vendor_id=vendor.pk, reason_codes=[])
    notices.notify_followers(event)
    assert not Notification.objects.filter(recipient=vendor_user, event=event).exists()


def test_an_approved_revision_tells_the_solutions_own_followers(
    vendor, vendor_user, reviewer, on_commit
):
    live = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED, scenarios=["2025-28"])
    by_solution, by_scenario = enterprise_member(), enterprise_member()
    marketplace.follow(actor=by_solution, target=live)
    marketplace.follow(actor=by_scenario, target=scenario())
    revision = catalog.propose_change(
        actor=vendor_user, solution=live, data={"title_en": "Spindle guard v2"}
    )
    with on_commit():
        catalog.submit_revision(actor=vendor_user, revision=revision)
    revision.refresh_from_db()
    with on_commit():
        catalog.approve(actor=reviewer, subject=revision, comment="Fine.")
    [note] = told(by_solution, "solution.updated")
    assert "Spindle guard v2" in note.body
    assert len(told(by_scenario, "solution.updated")) == 1


def test_imports_tell_no_follower(vendor):
    follower = enterprise_member()
    marketplace.follow(actor=follower, target=vendor)
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
    notices.notify_followers(
        emit("solution.published", solution, vendor_id=vendor.pk, reason_codes=["imported"])
    )
    notices.notify_followers(
        emit(
            "solution.updated", solution, vendor_id=vendor.pk, source="import", fields=["title_en"]
        )
    )
    assert not Notification.objects.filter(recipient=follower).exists()


def test_a_solution_no_longer_published_tells_nobody(vendor):
    follower = enterprise_member()
    marketplace.follow(actor=follower, target=vendor)
    solution = SolutionFactory(vendor=vendor, status=SolutionStatus.ARCHIVED)
    notices.notify_followers(emit("solution.published", solution, vendor_id=vendor.pk))
    assert not Notification.objects.exists()


def _queries_to_tell(followers, vendor, topic):
    solution = SolutionFactory(
        vendor=vendor, status=SolutionStatus.PUBLISHED, scenarios=["2025-28", "2025-01"]
    )
    payload = {"revision": 1} if topic == "solution.updated" else {"reason_codes": []}
    event = emit(topic, solution, vendor_id=vendor.pk, **payload)
    with CaptureQueriesContext(connection) as queries:
        notices.notify_followers(event)
    assert Notification.objects.filter(event=event, recipient__in=followers).count() == len(
        followers
    )
    return len(queries)


@pytest.mark.parametrize("topic", FOLLOWED_TOPICS)
def test_telling_followers_takes_the_same_queries_for_3_or_40_followers(topic):
    counts = []
    for size in (3, 40):
        vendor = VendorFactory()
        followers = [enterprise_member() for _ in range(size)]
        for i, user in enumerate(followers):
            # every kind of follow, some people several: still one notice each
            marketplace.follow(actor=user, target=vendor)
            marketplace.follow(actor=user, target=scenario("2025-28" if i % 2 else "2025-01"))
        counts.append(_queries_to_tell(followers, vendor, topic))
    assert counts[0] == counts[1]
    assert counts[1] <= 10


# Vendors hear of new needs


@pytest.fixture
def fitting_vendor_user():
    vendor = VendorFactory()
    SolutionFactory(
        vendor=vendor,
        status=SolutionStatus.PUBLISHED,
        scenarios=["2025-28"],
        industries=["machine-tools"],
    )
    return MembershipFactory(organization=vendor, role=Membership.Role.MEMBER).user


@pytest.fixture
def unfitting_vendor_user():
    vendor = VendorFactory()
    SolutionFactory(
        vendor=vendor,
        status=SolutionStatus.PUBLISHED,
        scenarios=["2025-01"],
        industries=["general-equipment"],
    )
    return MembershipFactory(organization=vendor).user


def post(enterprise_user, enterprise, on_commit, **data):
    with on_commit():
        return marketplace.post_need(
            actor=enterprise_user,
            enterprise=enterprise,
            data={"title": "Spindle failures on 5-axis centres", "scenarios": [scenario()], **data},
        )


def test_a_public_need_reaches_vendors_whose_published_solutions_fit(
    enterprise, enterprise_user, on_commit, fitting_vendor_user, unfitting_vendor_user
):
    need = post(enterprise_user, enterprise, on_commit, visibility="public")
    [note] = told(fitting_vendor_user, "need.created")
    assert note.link == f"/needs/{need.pk}/" and need.title in note.body
    assert not told(unfitting_vendor_user, "need.created")
    assert not told(enterprise_user, "need.created")


def test_a_public_need_fits_by_industry_too(
    enterprise, enterprise_user, on_commit, fitting_vendor_user
):
    post(
        enterprise_user,
        enterprise,
        on_commit,
        visibility="public",
        scenarios=[],
        industry=Industry.objects.get(code="machine-tools"),
    )
    assert len(told(fitting_vendor_user, "need.created")) == 1


def test_a_private_need_reaches_only_the_invited_vendors(
    enterprise, enterprise_user, on_commit, fitting_vendor_user, unfitting_vendor_user
):
    invited = unfitting_vendor_user.memberships.get().organization
    post(enterprise_user, enterprise, on_commit, visibility="private", invited_vendors=[invited])
    assert len(told(unfitting_vendor_user, "need.created")) == 1  # invited, fitting or not
    assert not told(fitting_vendor_user, "need.created")  # fits, but not invited


def test_need_notices_take_a_fixed_number_of_queries(enterprise, fitting_vendor_user):
    counts = []
    for extra_vendors in (1, 15):
        for _ in range(extra_vendors):
            vendor = VendorFactory()
            SolutionFactory(vendor=vendor, status=SolutionStatus.PUBLISHED)
            MembershipFactory(organization=vendor)
        need = NeedFactory(enterprise=enterprise, visibility="public")
        need.scenarios.set([scenario()])
        event = emit("need.created", need, enterprise_id=enterprise.pk)
        with CaptureQueriesContext(connection) as queries:
            notices.notify_vendors_of_need(event)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    assert OutboxEvent.objects.filter(topic="need.created").count() == 2
