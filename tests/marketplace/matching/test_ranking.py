"""Matching needs to solutions: structured fit decides, words help, reasons explain."""

from decimal import Decimal

import pytest
from django.utils import translation

from catalog.models import CaseStudy, CaseStudyOutcome, Industry, LifecycleStage, Scenario
from marketplace.matching import fit as fitness
from marketplace.matching.ranking import match_need
from search.analysis import MAX_REPEATS
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
        "Serves your industry: Machine tools and tooling",
        "Covers your step from Level 1 to Level 2",
        "Serves Zhejiang",
        "Price from 300,000 CNY fits your budget of 800,000 CNY",
    ]


def test_reasons_are_said_in_chinese_to_a_chinese_reader(fitting, need):
    with translation.override("zh-hans"):
        [result] = match_need(need)
    assert result.reasons[:5] == [
        "覆盖场景 2025-28 设备故障诊断与预测",
        "服务您所在的行业：机床工具",
        "覆盖您从 L1 级到 L2 级的提升",
        "服务浙江省",
        "起价 300,000 元，符合您 800,000 元的预算",
    ]


def test_a_perfect_fit_scores_near_one(fitting, need):
    industry = Industry.objects.get(code="machine-tools")
    for i in range(2):
        study = CaseStudy.objects.create(solution=fitting, client=f"C{i}", industry=industry)
        CaseStudyOutcome.objects.create(case_study=study, metric="downtime", before=10, after=5)
    from search.services import sync_solution

    sync_solution(fitting.pk)
    [result] = match_need(need)
    assert result.fit["scenario"] == result.fit["industry"] == result.fit["region"] == 1.0
    assert result.fit["evidence"] == 1.0
    assert result.score >= 0.9


def test_weights_are_in_one_place_and_each_group_adds_up_to_one():
    assert set(fitness.WEIGHTS) == {"scenario", "text", "industry", "stage", "maturity",
                                    "budget", "region", "evidence"}
    assert sum(fitness.RELEVANCE_WEIGHTS.values()) == pytest.approx(1.0)
    assert sum(fitness.SUITABILITY_WEIGHTS.values()) == pytest.approx(1.0)


def test_score_is_relevance_times_suitability():
    floor = fitness.SUITABILITY_FLOOR
    assert fitness.score({"scenario": 1.0, "industry": 1.0}) == 1.0
    assert fitness.score({"scenario": 1.0, "industry": 0.0}) == pytest.approx(floor)
    assert fitness.score({"scenario": 0.0, "text": 0.0, "industry": 1.0, "region": 1.0}) == 0.0
    half = fitness.score({"scenario": 1.0, "text": 0.0, "industry": 1.0})
    assert half == pytest.approx(fitness.RELEVANCE_WEIGHTS["scenario"] / (
        fitness.RELEVANCE_WEIGHTS["scenario"] + fitness.RELEVANCE_WEIGHTS["text"]), abs=1e-4)


def test_each_missing_fit_lowers_the_score(publish, need):
    full = publish(scenarios=["2025-28"], regions=["CN-ZJ"])
    other_region = publish(scenarios=["2025-28"], regions=["CN-BJ"])
    over_budget = publish(scenarios=["2025-28"], regions=["CN-BJ"],
                          price_min_cny=Decimal("1600000"), price_max_cny=Decimal("2000000"))
    results = {r.solution.pk: r for r in match_need(need)}
    assert results[full.pk].score > results[other_region.pk].score > results[over_budget.pk].score
    assert results[over_budget.pk].fit["budget"] == pytest.approx(0.5)


@pytest.mark.parametrize("levels,expected", [
    ((2, 5), 1.0),  # contains the target level 3
    ((1, 2), fitness.NEAR_LEVEL_FIT),  # one level short of it
    ((5, 5), 0.0),  # two levels beyond
])
def test_maturity_fits_when_the_range_contains_the_target_level(publish, levels, expected):
    solution = publish(maturity_from=levels[0], maturity_to=levels[1])
    need = need_for(current_level=1, target_level=3)
    [result] = match_need(need)
    assert result.solution == solution
    assert result.fit["maturity"] == pytest.approx(expected)


def test_covering_the_target_but_not_the_start_says_the_target(publish):
    publish(scenarios=["2025-28"], maturity_from=2, maturity_to=5)
    need = need_for(scenarios=["2025-28"], current_level=1, target_level=3)
    [result] = match_need(need)
    assert "Covers your target Level 3" in result.reasons
    assert not any("step" in reason for reason in result.reasons)


def test_cross_industry_solutions_fit_every_industry_in_part(publish, need):
    general = publish(scenarios=["2025-28"], industries=["general"])
    other = publish(scenarios=["2025-28"], industries=["robots"])
    results = {r.solution.pk: r for r in match_need(need)}
    assert results[general.pk].fit["industry"] == fitness.CROSS_INDUSTRY_FIT
    assert results[other.pk].fit["industry"] == 0.0
    assert "Made for every mechanical sub-sector, yours included" in results[general.pk].reasons


def test_solution_naming_no_region_neither_fits_nor_misfits(publish, need):
    solution = publish(scenarios=["2025-28"], regions=[])
    solution.regions.clear()
    from search.services import sync_solution

    sync_solution(solution.pk)
    [result] = match_need(need)
    assert result.fit["region"] == fitness.UNKNOWN


def test_case_studies_in_the_needs_industry_are_evidence(publish, need):
    machine_tools = Industry.objects.get(code="machine-tools")
    backed = publish(scenarios=["2025-28"])
    bare = publish(scenarios=["2025-28"])
    for client in ("Zhejiang lathe maker", "Jiangsu grinder maker"):
        study = CaseStudy.objects.create(solution=backed, client=client, industry=machine_tools)
    CaseStudyOutcome.objects.create(case_study=study, metric="unplanned downtime",
                                    unit="h/month", before=Decimal(120), after=Decimal(70))
    from search.services import sync_solution

    sync_solution(backed.pk)
    results = {r.solution.pk: r for r in match_need(need)}
    assert results[backed.pk].fit["evidence"] == 1.0
    assert results[bare.pk].fit["evidence"] == 0.0
    assert results[backed.pk].score > results[bare.pk].score
    assert "2 case studies in Machine tools and tooling" in results[backed.pk].reasons
    assert "Measured at a client: unplanned downtime −42%" in results[backed.pk].reasons
    with translation.override("zh-hans"):
        reasons = {r.solution.pk: r for r in match_need(need)}[backed.pk].reasons
    assert "在机床工具行业有 2 个案例" in reasons


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
    [result, *others] = match_need(need)
    assert result.solution == welding
    assert any(reason.startswith("Mentions ") and "Welding" in reason
               for reason in result.reasons)
    assert all(other.score < result.score for other in others)


def test_a_word_the_need_repeats_weighs_more(publish):
    """What a need says again is what it is about; what it says once may be circumstance."""
    painting = publish(neutral=True, title_en="Painting line")
    welding = publish(neutral=True, title_en="Welding cell")  # the newer wins a tie
    need = need_for(title="Fans", industry=None, region=None,
                    description="Welding, then painting and more painting.")
    assert [r.solution for r in match_need(need)][:2] == [painting, welding]


def test_a_word_of_the_title_weighs_more_than_one_of_the_circumstances(publish):
    traveller = publish(neutral=True, title_en="Digital traveller")
    welding = publish(neutral=True, title_en="Welding cell")  # the newer wins a tie
    need = need_for(title="Paper traveller", industry=None, region=None,
                    description="Fans go through welding.")
    assert [r.solution for r in match_need(need)][:2] == [traveller, welding]
    assert fitness.TITLE_REPEATS < MAX_REPEATS  # see fit.TITLE_REPEATS


def test_words_point_to_a_scenario_whose_solutions_in_any_language_match(publish):
    """The need names no scenario; its best text match is about 2025-28, so a Chinese-only
    solution of 2025-28 that shares no word with the need is matched too, and says why."""
    english = publish(neutral=True, title_en="Spindle bearing failure warnings",
                      scenarios=["2025-28"])
    chinese = publish(neutral=True, title_zh="设备健康管理平台", scenarios=["2025-28"])
    elsewhere = publish(neutral=True, title_zh="立体仓库", scenarios=["2025-12"])
    need = need_for(title="Our spindle bearings keep failing", description="",
                    industry=None, region=None)
    results = {r.solution: r for r in match_need(need)}
    assert english in results and chinese in results and elsewhere not in results
    assert results[english].score > results[chinese].score
    assert ("Covers scenario 2025-28 Equipment fault diagnosis and prediction, which your "
            "description points to") in results[chinese].reasons


def test_chinese_need_text_matches_without_spaces(publish):
    solution = publish(neutral=True, summary_zh="主轴振动监测与故障预警")
    need = need_for(title="我们希望减少主轴故障停机", description="", industry=None,
                    region=None)
    assert [r.solution for r in match_need(need)] == [solution]


def test_a_need_in_english_finds_a_chinese_solution_through_synonyms(publish):
    solution = publish(neutral=True, title_zh="离散制造执行系统")
    need = need_for(title="We need an MES", description="", industry=None, region=None)
    assert [r.solution for r in match_need(need)] == [solution]


def test_stage_of_the_need_matches_solutions_in_that_stage(publish):
    manufacturing = publish(scenarios=["2025-09"])
    supply = publish(scenarios=["2025-37"])
    need = need_for(stages=["manufacturing"], industry=None, region=None, title="改进",
                    description="")
    [result] = match_need(need)
    assert result.solution == manufacturing != supply
    assert result.fit["stage"] == 1.0
    assert "Works in your lifecycle stage: Manufacturing" in result.reasons


def test_reasons_name_taxonomy_in_the_readers_language(fitting, need):
    with translation.override("zh-hans"):
        [result] = match_need(need)
    assert any("设备故障诊断与预测" in reason for reason in result.reasons)
    assert any("浙江" in reason for reason in result.reasons)


def test_unpublished_solutions_are_never_matched(publish, need):
    from tests.factories import SolutionFactory

    SolutionFactory(scenarios=["2025-28"])  # a draft
    assert match_need(need) == []


def test_a_published_solution_not_indexed_yet_is_matched_from_the_catalog(need):
    from catalog.models import SolutionStatus
    from tests.factories import SolutionFactory

    solution = SolutionFactory(scenarios=["2025-28"], status=SolutionStatus.PUBLISHED)
    assert [r.solution for r in match_need(need)] == [solution]


def test_limit_keeps_the_best(publish, need):
    best = publish(scenarios=["2025-28"], regions=["CN-ZJ"])
    for _ in range(3):
        publish(scenarios=["2025-28"], regions=["CN-BJ"])
    assert [r.solution for r in match_need(need, limit=1)] == [best]


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


def test_the_newest_wins_a_tie(publish, need):
    from datetime import timedelta

    from django.utils import timezone

    older = publish(scenarios=["2025-28"], published_at=timezone.now() - timedelta(days=3))
    newer = publish(scenarios=["2025-28"], published_at=timezone.now())
    assert [r.solution for r in match_need(need)] == [newer, older]
