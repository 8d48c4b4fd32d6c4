"""What a reader types finds what the catalog says, on SQLite FTS5 and PostgreSQL alike."""

import pytest

from search import analysis
from search.backends import SearchQuery

pytestmark = pytest.mark.django_db


def found(backend, text, **kwargs):
    return {hit.id for hit in backend.search(SearchQuery(text=text, **kwargs)).hits}


@pytest.fixture
def maintenance(publish):
    return publish(neutral=True, title_zh="数控机床预测性维护平台")


@pytest.fixture
def twin(publish):
    return publish(neutral=True, title_zh="数字孪生工厂")


@pytest.mark.parametrize("word", ["预测", "维护", "测性", "机床"])
def test_any_two_character_word_finds_cjk_text(backend, maintenance, twin, word):
    assert found(backend, word) == {maintenance.pk}


def test_four_character_word_is_found_as_a_phrase(backend, maintenance, publish):
    apart = publish(neutral=True, title_zh="设备预测与维护")
    assert found(backend, "预测性维护") == {maintenance.pk}
    assert found(backend, "预测 维护") == {maintenance.pk, apart.pk}


@pytest.mark.parametrize("field", ["title_zh", "description_zh"])
def test_a_phrase_must_be_in_one_piece_not_only_its_words(backend, publish, field):
    apart = publish(neutral=True, **{field: "设备很好备联也好联网"})  # 设备, 备联, 联网 apart
    together = publish(neutral=True, **{field: "车间设备联网改造"})
    assert found(backend, "设备联网") == {together.pk}
    assert apart.pk not in found(backend, "设备联网", operator="or")


def test_checking_phrases_in_titles_first_finds_the_same_entries(backend, publish):
    """The two ways PostgreSQL may find a query's matches (search.backends.full_text)."""
    made = [publish(neutral=True, title_zh="车间设备联网改造"),
            publish(neutral=True, description_zh="车间设备联网改造"),
            publish(neutral=True, description_zh="设备很好备联也好联网"),
            publish(neutral=True, title_en="OEE dashboard", description_zh="设备管理")]
    full_text = backend.full_text
    expression = full_text.expression(
        [analysis.Clause(("oee",), alternatives=(("设备", "备联", "联网"),))], "and")
    assert (sorted(full_text.matching_ids(expression, phrases_first=True))
            == sorted(full_text.matching_ids(expression, phrases_first=False))
            == [made[0].pk, made[1].pk, made[3].pk])
    ranked = dict(full_text.matching_ranked(expression, expression, phrases_first=True))
    assert ranked == dict(full_text.matching_ranked(expression, expression))
    assert set(ranked) == {made[0].pk, made[1].pk, made[3].pk}


def test_every_word_must_match_when_one_has_single_word_synonyms(backend, publish):
    # MES has single-word alternatives; alone they do not make an entry match both words,
    # though it holds the other word's bigrams (apart).
    only_mes = publish(neutral=True, description_en="MES rollout",
                       description_zh="设备很好备联也好联网")
    both = publish(neutral=True, title_zh="设备联网", description_en="MES rollout")
    assert found(backend, "MES 设备联网") == {both.pk}
    assert found(backend, "MES 设备联网", operator="or") == {only_mes.pk, both.pk}


def test_bigram_that_is_not_in_the_text_finds_nothing(backend, maintenance):
    assert found(backend, "维预") == set()
    assert found(backend, "维护预测") == set()


def test_mixed_text_is_found_by_its_latin_and_its_cjk_part(backend, publish, twin):
    mes = publish(neutral=True, title_zh="MES系统实施")
    assert found(backend, "MES") == {mes.pk}
    assert found(backend, "系统") == {mes.pk}
    assert found(backend, "mes系统") == {mes.pk}


def test_lone_cjk_character_finds_words_starting_with_it(backend, maintenance, twin):
    assert found(backend, "孪") == {twin.pk}


@pytest.mark.parametrize("query", ["schedule", "scheduled", "SCHEDULES", "scheduling"])
def test_english_matches_by_stem(backend, publish, query):
    scheduling = publish(neutral=True, title_en="Finite-capacity scheduling for job shops")
    publish(neutral=True, title_en="Energy monitoring for foundries")
    assert found(backend, query) == {scheduling.pk}


def test_british_and_american_spellings_meet(backend, publish):
    solution = publish(neutral=True, summary_en="Cutting parameter optimisation")
    assert found(backend, "optimization") == {solution.pk}
    assert found(backend, "optimize") == {solution.pk}


def test_maintain_finds_maintenance(backend, publish):
    solution = publish(neutral=True, title_en="Spindle predictive maintenance")
    assert found(backend, "maintain") == {solution.pk}


def test_every_word_must_match(backend, publish):
    both = publish(neutral=True, title_en="Gearbox vibration analysis")
    publish(neutral=True, title_en="Gearbox assembly line")
    assert found(backend, "gearbox vibration") == {both.pk}


def test_any_word_operator_finds_solutions_with_some_of_the_words(backend, publish):
    one = publish(neutral=True, title_en="Gearbox vibration analysis")
    other = publish(neutral=True, title_en="Gearbox assembly line")
    assert found(backend, "vibration assembly", operator="or") == {one.pk, other.pk}


@pytest.mark.parametrize(
    "field,value",
    [
        ("summary_zh", "焊接机器人离线编程"),
        ("description_en", "Offline programming of welding robots, **fast**."),
    ],
)
def test_summary_and_markdown_description_are_searched(backend, publish, field, value):
    solution = publish(neutral=True, **{field: value})
    assert found(backend, "焊接" if field == "summary_zh" else "welding") == {solution.pk}


def test_scenario_names_and_keywords_are_searched_in_both_languages(backend, publish):
    solution = publish(neutral=True, scenarios=["2025-28"])
    publish(neutral=True)
    assert found(backend, "vibration analysis") == {solution.pk}  # keyword, English
    assert found(backend, "剩余寿命") == {solution.pk}  # keyword, Chinese
    assert found(backend, "故障诊断") == {solution.pk}  # name, Chinese


def test_vendor_name_and_case_studies_are_searched(backend, publish):
    from catalog.models import CaseStudy
    from search.services import sync_solution
    from tests.factories import VendorFactory

    solution = publish(neutral=True, vendor=VendorFactory(name="Lianxin", name_zh="联鑫智能"))
    CaseStudy.objects.create(solution=solution, client="Hangzhou Gear Works",
                             summary="减少主轴停机")
    sync_solution(solution.pk)
    publish(neutral=True)
    for query in ("lianxin", "联鑫", "hangzhou", "停机"):
        assert found(backend, query) == {solution.pk}, query


def test_title_weighs_more_than_description(backend, publish):
    in_description = publish(neutral=True, description_en="A gearbox test bench.")
    in_title = publish(neutral=True, title_en="Gearbox test bench")
    for _ in range(3):  # other solutions make "gearbox" a rare, telling word
        publish(neutral=True, title_en="Paint shop energy")
    hits = backend.search(SearchQuery(text="gearbox")).hits
    assert [hit.id for hit in hits] == [in_title.pk, in_description.pk]
    assert hits[0].score > hits[1].score


def test_hits_carry_highlights_of_title_and_summary(backend, publish):
    solution = publish(neutral=True, title_zh="数控机床预测性维护平台",
                       summary_en="Predicts spindle failures")
    [hit] = backend.search(SearchQuery(text="维护")).hits
    assert hit.id == solution.pk
    assert hit.highlight == {"title_zh": "数控机床预测性<mark>维护</mark>平台"}


def test_hits_can_be_asked_for_without_highlights(backend, publish):
    solution = publish(neutral=True, title_zh="数控机床预测性维护平台")
    [hit] = backend.search(SearchQuery(text="维护", with_highlights=False)).hits
    assert (hit.id, hit.highlight) == (solution.pk, {})


def test_query_of_only_punctuation_lists_everything(backend, maintenance, twin):
    assert found(backend, "?!") == {maintenance.pk, twin.pk}


def test_unpublished_solutions_are_not_indexed(backend, db):
    from search.services import sync_solution
    from tests.factories import SolutionFactory

    draft = SolutionFactory(title_zh="草稿方案")
    sync_solution(draft.pk)
    assert found(backend, "草稿") == set()


def test_overlong_words_are_ignored_rather_than_an_error(backend, maintenance):
    results = backend.search(SearchQuery(text="x" * 3000 + " 维护"))
    assert {hit.id for hit in results.hits} == {maintenance.pk}
