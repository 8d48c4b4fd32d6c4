"""The plan's figures against a hand-built dataset, with exact expected numbers, and the
fixed number of queries they cost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Membership
from catalog.models import FactoryTier, Industry, Region, SolutionStatus
from maturity import progress
from maturity.models import Assessment, SmartFactory
from tests.factories import (
    EnterpriseFactory,
    EnterpriseProfileFactory,
    MembershipFactory,
    NeedFactory,
    SolutionFactory,
    UserFactory,
    VendorFactory,
)

from .factories import CompletedAssessmentFactory, SmartFactoryFactory

pytestmark = pytest.mark.django_db
NOW = timezone.now()
RECENT = NOW - timedelta(days=30)
LONG_AGO = NOW - timedelta(days=800)


def member(organization, last_login=None, is_active=True):
    user = UserFactory(last_login=last_login, is_active=is_active)
    return MembershipFactory(user=user, organization=organization, role=Membership.Role.OWNER)


def enterprise(region, industry=None, **member_kwargs):
    organization = EnterpriseFactory(region=region)
    if industry:
        EnterpriseProfileFactory(organization=organization,
                                 industry=Industry.objects.get(code=industry))
    member(organization, **member_kwargs)
    return organization


def assessed(organization, level, when=RECENT, latest=True):
    assessment = CompletedAssessmentFactory(enterprise=organization, level=level,
                                            is_latest=latest)
    Assessment.objects.filter(pk=assessment.pk).update(updated_at=when, completed_at=when)
    return assessment


def factory(organization, tier, status="verified", region="CN-JS"):
    return SmartFactoryFactory(enterprise=organization, tier=FactoryTier.objects.get(code=tier),
                               status=status, region=Region.objects.get(code=region))


@pytest.fixture
def dataset():
    # Active: a member signed in lately. Level 3.
    e1 = enterprise("CN-JS", "machine-tools", last_login=RECENT)
    assessed(e1, 3)
    # Active: posted a need lately (its member has not signed in for long). Level 1.
    e2 = enterprise("CN-JS", "robots", last_login=LONG_AGO)
    NeedFactory(enterprise=e2)
    assessed(e2, 1, when=LONG_AGO)
    # Active: worked on an assessment lately. Level 2 now; an older level-4 one does not count.
    e3 = enterprise("CN-ZJ", "machine-tools")
    assessed(e3, 4, when=LONG_AGO, latest=False)
    assessed(e3, 2)
    # Active, never assessed, no profile (no industry).
    e4 = enterprise("CN-ZJ", last_login=RECENT)
    # Not active: nothing in the last 12 months, though once at level 5.
    e5 = enterprise("CN-BJ", "machine-tools", last_login=LONG_AGO)
    assessed(e5, 5, when=LONG_AGO)
    # Not active: a recent need, but no member with an active account.
    e6 = enterprise("CN-BJ", "robots", last_login=RECENT, is_active=False)
    NeedFactory(enterprise=e6)
    # Not an enterprise.
    member(VendorFactory(), last_login=RECENT)

    factory(e1, "excellent")
    factory(e1, "excellent", status="pending", region="CN-ZJ")
    factory(e3, "leading", region="CN-ZJ")
    factory(e3, "basic", region="CN-ZJ")
    factory(e4, "basic", status="rejected")
    for _ in range(3):
        SolutionFactory(status=SolutionStatus.PUBLISHED, regions=["CN-JS", "CN-ZJ"],
                        industries=["machine-tools"])
    SolutionFactory(status=SolutionStatus.DRAFT)
    return {"e1": e1, "e2": e2, "e3": e3, "e4": e4}


def by_code(rows):
    return {row["code"]: row for row in rows}


def test_the_national_figures(dataset):
    figures = progress.dashboard_figures(now=NOW)
    assert figures["headline"] == {
        "excellent_factories": 2,   # e1's excellent and e3's leading; the pending one waits
        "verified_factories": 3,
        "pending_factories": 1,
        "active_enterprises": 4,    # e1-e4
        "assessed_enterprises": 3,  # e4 never assessed
        "enterprises_l2plus": 2,    # e1 (3) and e3 (2, its latest)
        "share_l2plus": 0.5,
        "published_solutions": 3,
    }
    assert figures["enterprise_levels"] == [
        {"level": None, "count": 1}, {"level": 0, "count": 0}, {"level": 1, "count": 1},
        {"level": 2, "count": 1}, {"level": 3, "count": 1}, {"level": 4, "count": 0},
        {"level": 5, "count": 0},
    ]


def test_progress_toward_each_target_for_2027_and_2030(dataset):
    targets = {(t["code"], t["year"]): t for t in progress.dashboard_figures(now=NOW)["targets"]}
    assert targets[("excellent-smart-factories", 2027)] | {"name": ""} == {
        "code": "excellent-smart-factories", "name": "", "year": 2027, "kind": "count",
        "target": 200, "current": 2, "progress": 0.01,
    }
    assert targets[("excellent-smart-factories", 2030)]["progress"] == 0.004
    assert targets[("share-enterprises-l2plus", 2027)]["target"] == 0.5
    assert targets[("share-enterprises-l2plus", 2027)]["progress"] == 1.0
    assert targets[("share-enterprises-l2plus", 2030)]["progress"] == 0.8333
    assert targets[("scenario-solutions", 2027)]["current"] == 3
    assert targets[("scenario-solutions", 2027)]["progress"] == 0.015


def test_breakdown_by_region(dataset):
    rows = by_code(progress.dashboard_figures(now=NOW)["by_region"])
    assert rows["CN-JS"] == {
        "code": "CN-JS", "name": "Jiangsu", "active_enterprises": 2, "enterprises_l2plus": 1,
        "share_l2plus": 0.5, "verified_factories": 1, "excellent_factories": 1,
        "published_solutions": 3,
    }
    assert rows["CN-ZJ"]["active_enterprises"] == 2
    assert rows["CN-ZJ"]["enterprises_l2plus"] == 1
    assert (rows["CN-ZJ"]["verified_factories"], rows["CN-ZJ"]["excellent_factories"]) == (2, 1)
    assert rows["CN-BJ"]["active_enterprises"] == 0  # e5 and e6 are not active
    assert rows["CN-BJ"]["share_l2plus"] == 0.0
    assert len(rows) == 31


def test_breakdown_by_industry_with_a_row_for_enterprises_naming_none(dataset):
    rows = by_code(progress.dashboard_figures(now=NOW)["by_industry"])
    assert rows["machine-tools"]["active_enterprises"] == 2
    assert rows["machine-tools"]["enterprises_l2plus"] == 2
    assert rows["machine-tools"]["verified_factories"] == 3
    assert rows["machine-tools"]["excellent_factories"] == 2
    assert rows["machine-tools"]["published_solutions"] == 3
    assert (rows["robots"]["active_enterprises"], rows["robots"]["enterprises_l2plus"]) == (1, 0)
    assert rows[None]["active_enterprises"] == 1


def test_factories_by_tier(dataset):
    tiers = by_code(progress.dashboard_figures(now=NOW)["factories_by_tier"])
    assert tiers["excellent"] | {"name": ""} == {"code": "excellent", "name": "",
                                                 "min_level": 3, "verified": 1, "pending": 1,
                                                 "rejected": 0}
    assert (tiers["basic"]["verified"], tiers["basic"]["rejected"]) == (1, 1)


def test_an_enterprise_stops_being_active_after_twelve_months(dataset):
    later = NOW + timedelta(days=400)
    assert progress.dashboard_figures(now=later)["headline"]["active_enterprises"] == 0


def test_the_summary_has_the_same_national_figures(dataset):
    summary = progress.summary_figures(now=NOW)
    assert summary["headline"] == progress.dashboard_figures(now=NOW)["headline"]
    assert "by_region" not in summary and "gap_map" not in summary


def test_figures_cost_a_fixed_number_of_queries(dataset, django_assert_num_queries):
    with django_assert_num_queries(16):
        progress.dashboard_figures(now=NOW)
    for _ in range(5):
        org = enterprise("CN-SH", "robots", last_login=RECENT)
        assessed(org, 2)
        factory(org, "basic")
        SolutionFactory(status=SolutionStatus.PUBLISHED)
    with django_assert_num_queries(16):
        progress.dashboard_figures(now=NOW)
    with django_assert_num_queries(6):
        progress.summary_figures(now=NOW)


def test_a_factory_of_an_unknown_status_never_counts(dataset):
    SmartFactory.objects.update(status=SmartFactory.Status.REJECTED)
    assert progress.dashboard_figures(now=NOW)["headline"]["excellent_factories"] == 0
