"""Matching needs to solutions: structured fit decides, words help, reasons explain."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalog.models import CaseStudy, LifecycleStage, Scenario
from marketplace.models import Match
from search.matching import match_need, refresh_matches
from tests.factories import NeedFactory

pytestmark = pytest.mark.django_db


def need_for(scenarios=(), stages=(), **fields):
    need = NeedFactory(**fields)
    need.scenarios.set(Scenario.objects.filter(code__in=scenarios))
    need.stages.set(LifecycleStage.objects.filter(code__in=stages))
    return need


@pytest.fixture
def fitting(publish):
    """Covers the need's scenario, industry, region, maturity step and budget."""
    return publish(scenarios=["2025-28"], industries=["machine-tools"], regions=["CN-ZJ"],
                   maturity_from=1, maturity_to=3, price_min_cny=Decimal("300000"))


@pytest.fixture
def unfitting(publish):
    """Same words, but another scenario, industry, region, level and price."""
    return publish(scenarios=["2025-09"], industries=["robots"], regions=["CN-BJ"],
                   maturity_from=4, maturity_to=5, price_min_cny=Decimal("5000000"),
                   price_max_cny=Decimal("8000000"))


@pytest.fixture
def need(db):
    return need_for(scenarios=["2025-28"], current_level=1, target_level=2)


def test_solution_that_fits_ranks_above_one_that_does_not(fitting, unfitting, need):
    results = match_need(need)
    assert [r.solution.pk for r in results] == [fitting.pk, unfitting.pk]
    assert results[0].score > results[1].score
    assert all(0 <= r.score <= 1 for r in results)


def test_reasons_say_why_in_words(fitting, need):
    [result] = match_need(need)
    assert result.reasons[:5] == [
        "Covers scenario 2025-28 Equipment fault diagnosis and prediction",
        "Serves your industry Machine tools and tooling",
        "Covers your step from maturity level 1 to 2",
        "Serves your region Zhejiang",
        "Price from 300,000 CNY fits your budget of 800,000 CNY",
    ]


def test_a_perfect_fit_scores_near_one(fitting, need):
    CaseStudy.objects.bulk_create(CaseStudy(solution=fitting, client=f"C{i}") for i in range(3))
    [result] = match_need(need)
    assert result.fit["scenario"] == result.fit["industry"] == result.fit["region"] == 1.0
    assert result.score >= 0.9


def test_each_missing_fit_lowers_the_score(publish, need):
    full = publish(scenarios=["2025-28"], regions=["CN-ZJ"])
    other_region = publish(scenarios=["2025-28"], regions=["CN-BJ"])
    over_budget = publish(scenarios=["2025-28"], regions=["CN-BJ"],
                          price_min_cny=Decimal("1600000"), price_max_cny=Decimal("2000000"))
    results = {r.solution.pk: r for r in match_need(need)}
    assert results[full.pk].score > results[other_region.pk].score > results[over_budget.pk].score
    assert results[over_budget.pk].fit["budget"] == pytest.approx(0.5)


def test_partial_maturity_cover_counts_the_levels_covered(publish):
    solution = publish(maturity_from=2, maturity_to=5)
    need = need_for(current_level=1, target_level=3)
    [result] = match_need(need)
    assert result.solution == solution
    assert result.fit["maturity"] == pytest.approx(2 / 3)
    assert not any("maturity level" in reason for reason in result.reasons)


def test_a_need_of_few_words_still_matches_by_structure(publish):
    solution = publish(neutral=True, scenarios=["2025-28"])
    need = need_for(scenarios=["2025-28"], title="设备", description="")
    assert [r.solution for r in match_need(need)] == [solution]


def test_a_need_without_structure_matches_by_its_words(publish):
    welding = publish(neutral=True, title_en="Welding robot offline programming",
                      industries=["robots"])
    publish(neutral=True, title_en="Paint shop energy", industries=["robots"])
    need = need_for(title="Offline programming", description="for our welding cells",
                    industry=None, region=None, current_level=None, target_level=None,
                    budget_max_cny=None)
    [result] = match_need(need)
    assert result.solution == welding
    assert any(reason.startswith("Mentions ") and "Welding" in reason
               for reason in result.reasons)


def test_chinese_need_text_matches_without_spaces(publish):
    solution = publish(neutral=True, summary_zh="主轴振动监测与故障预警")
    need = need_for(title="我们希望减少主轴故障停机", description="", industry=None,
                    region=None)
    assert [r.solution for r in match_need(need)] == [solution]


def test_stage_of_the_need_matches_solutions_in_that_stage(publish):
    manufacturing = publish(scenarios=["2025-09"])
    supply = publish(scenarios=["2025-37"])
    need = need_for(stages=["manufacturing"], industry=None, region=None, title="改进",
                    description="")
    [result] = match_need(need)
    assert result.solution == manufacturing != supply
    assert result.fit["stage"] == 1.0
    assert "Works in your lifecycle stage Manufacturing" in result.reasons


def test_reasons_name_taxonomy_in_the_readers_language(fitting, need):
    with translation.override("zh-hans"):
        [result] = match_need(need)
    assert any("设备故障诊断与预测" in reason for reason in result.reasons)
    assert any("浙江" in reason for reason in result.reasons)


def test_unpublished_solutions_are_never_matched(publish, need):
    from tests.factories import SolutionFactory

    SolutionFactory(scenarios=["2025-28"])  # a draft
    assert match_need(need) == []


def test_limit_keeps_the_best(publish, need):
    best = publish(scenarios=["2025-28"], regions=["CN-ZJ"])
    for _ in range(3):
        publish(scenarios=["2025-28"], regions=["CN-BJ"])
    assert [r.solution for r in match_need(need, limit=1)] == [best]


def test_refresh_matches_replaces_the_needs_matches(fitting, unfitting, need):
    stale = Match.objects.create(need=need, solution=unfitting, score=0.99, rank=1,
                                 reasons=["old"])
    results = refresh_matches(need)
    matches = list(Match.objects.filter(need=need).order_by("rank"))
    assert [(m.solution_id, m.rank) for m in matches] == [(fitting.pk, 1), (unfitting.pk, 2)]
    assert matches[0].score == results[0].score
    assert matches[0].reasons == results[0].reasons
    assert not Match.objects.filter(pk=stale.pk).exists()


def test_refresh_matches_writes_reasons_in_the_needs_language(fitting):
    need = need_for(scenarios=["2025-28"], language="zh")
    refresh_matches(need)
    assert "设备故障诊断与预测" in Match.objects.get(need=need).reasons[0]


def test_industry_region_and_budget_alone_are_not_a_match(publish):
    publish(neutral=True, scenarios=["2025-37"], industries=["machine-tools"],
            regions=["CN-ZJ"])
    need = need_for(scenarios=["2025-28"], title="设备", description="")
    assert match_need(need) == []


def test_mentioned_words_are_not_repeated(publish):
    solution = publish(neutral=True, title_zh="APS智能排产", summary_en="APS for job shops")
    need = need_for(title="APS 智能排产", description="", industry=None, region=None)
    [result] = match_need(need)
    assert result.solution == solution
    [mentions] = [r for r in result.reasons if r.startswith("Mentions ")]
    assert mentions in ("Mentions APS", "Mentions APS智能排产")
