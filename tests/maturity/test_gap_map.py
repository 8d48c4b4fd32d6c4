"""The supply-demand gap map: open needs per scenario against published solutions, the
worst gaps first."""

import pytest

from catalog.models import Scenario, SolutionStatus
from marketplace.models import Need
from maturity import progress
from tests.factories import NeedFactory, SolutionFactory

pytestmark = pytest.mark.django_db


def need(*codes, status=Need.Status.OPEN):
    posted = NeedFactory(status=status)
    posted.scenarios.set(Scenario.objects.filter(code__in=codes))
    return posted


def published(*codes, status=SolutionStatus.PUBLISHED):
    return SolutionFactory(status=status, scenarios=list(codes))


@pytest.fixture
def market():
    need("2025-09")
    need("2025-09")                              # 2025-09: 2 needs, 0 solutions
    for _ in range(3):
        need("2025-28", "2025-27")               # 2025-28: 3 needs, 1 solution
    published("2025-28")
    need("2025-27")                              # 2025-27: 4 needs, 3 solutions
    for _ in range(3):
        published("2025-27")
    need("2025-24", status=Need.Status.CLOSED)   # closed needs are not demand
    published("2025-24", status=SolutionStatus.DRAFT)  # drafts are not supply
    published("2025-01")                         # supply without demand


def test_worst_gaps_come_first_with_exact_counts(market):
    rows = progress.gap_map()
    assert len(rows) == 40
    top = [(r["code"], r["open_needs"], r["published_solutions"], r["gap"],
            r["needs_per_solution"]) for r in rows[:3]]
    assert top == [
        ("2025-09", 2, 0, 2, 2.0),
        ("2025-28", 3, 1, 2, 1.5),
        ("2025-27", 4, 3, 1, 1.0),
    ]
    rest = {r["code"]: r for r in rows[3:]}
    assert (rest["2025-24"]["open_needs"], rest["2025-24"]["published_solutions"]) == (0, 0)
    assert rest["2025-01"]["gap"] == -1
    # Among scenarios with no open need, the order is by code.
    assert [r["code"] for r in rows[3:]] == sorted(rest)


def test_gap_rows_name_the_scenario_and_its_link(market):
    row = progress.gap_map()[0]
    assert row["name"] == "Intelligent shop-floor scheduling"
    assert row["link"] == "Production management"
