"""Synonyms across English and Chinese: the groups (taxonomy and synonyms file) and query
expansion in the database backend (Elasticsearch's queries are built from the same clauses:
test_elasticsearch)."""

import pytest

from catalog.models import Scenario
from search import index, synonyms
from search.analysis import Clause, SynonymTable, parse_query
from search.backends import SearchQuery

MES = ["MES", "制造执行系统", "manufacturing execution system"]


def found(backend, text):
    return {hit.id for hit in backend.search(SearchQuery(text=text)).hits}


# The groups


def test_every_line_of_the_synonyms_file_pairs_two_phrases_or_more():
    groups = synonyms.curated_groups()
    assert len(groups) > 200
    assert all(len(group) >= 2 for group in groups)
    assert ["predictive maintenance", "预测性维护", "PdM"] in groups


@pytest.mark.django_db
def test_technology_names_give_their_abbreviation_english_and_chinese_name():
    groups = synonyms.taxonomy_groups()
    assert ["MES", "Manufacturing execution system", "制造执行系统"] in groups
    # A name listing several things is not one phrase.
    assert not any("AGV" in phrase for group in groups for phrase in group)


@pytest.mark.django_db
def test_scenario_names_pair_across_languages():
    assert ["Equipment fault diagnosis and prediction", "设备故障诊断与预测"] in (
        synonyms.taxonomy_groups())


def test_groups_sharing_a_phrase_are_merged():
    merged = synonyms.merge_groups([["MES", "制造执行系统"], ["mes", "MES system"],
                                    ["the"], ["WMS", "仓储管理系统"]])
    assert sorted(map(sorted, merged)) == [["MES", "MES system", "制造执行系统"],
                                           ["WMS", "仓储管理系统"]]


def test_spellings_of_one_stem_are_all_kept_for_elasticsearch():
    [group] = synonyms.merge_groups([["utilisation", "设备利用率", "utilization"]])
    assert sorted(group) == ["utilisation", "utilization", "设备利用率"]


@pytest.mark.django_db
@pytest.mark.parametrize("word", ["schedule", "batch"])
def test_a_word_whose_stem_is_also_everyday_english_is_no_narrow_concept(word):
    """The stemmer makes "scheduling" and "batching" the everyday "schedule" and "batch" (a
    maintenance schedule, a batch of rollers): their stems must not stand for 排产 or for
    组炉排产, or a need mentioning a schedule is taken for one about production scheduling."""
    alternatives = synonyms.synonym_table().alternatives(parse_query(word)[0].terms)
    assert not {"排产", "组炉"} & {term for phrase in alternatives for term in phrase}


@pytest.mark.django_db
def test_production_scheduling_still_pairs_across_languages():
    table = synonyms.synonym_table()
    assert ("排程",) in table.alternatives(("product", "schedul"))
    assert ("组炉", "炉排", "排产") in table.alternatives(("furnac", "batch"))


@pytest.mark.django_db
@pytest.mark.parametrize("english,chinese", [("job traveller", "流转卡"), ("missing parts", "缺料"),
                                             ("line stop", "停线")])
def test_shop_floor_words_of_need_prose_pair_across_languages(english, chinese):
    [clause] = parse_query(english, synonyms=synonyms.synonym_table())
    assert parse_query(chinese)[0].terms in clause.alternatives


@pytest.mark.django_db
def test_a_renamed_scenario_changes_the_synonyms_at_once():
    scenario = Scenario.objects.get(code="2025-28")
    synonyms.synonym_table()  # cached
    scenario.name_en = "Spindle doctor"
    try:
        scenario.save()
        assert synonyms.synonym_table().alternatives(("spindl", "doctor"))
    finally:
        # The rename is rolled back with the test, which no signal tells the caches of.
        synonyms.forget()
        index.forget_taxonomy()


# Query expansion (no database needed)


TABLE = SynonymTable([MES, ["条码", "barcode"]])
MES_ZH = ("制造", "造执", "执行", "行系", "系统")
MES_EN = ("manufactur", "execut", "system")


def test_an_abbreviation_gets_both_languages():
    assert parse_query("MES", synonyms=TABLE) == [Clause(("mes",), alternatives=(MES_ZH, MES_EN))]


def test_words_spelling_a_phrase_become_one_clause():
    clauses = parse_query("manufacturing execution systems for 机床", synonyms=TABLE)
    assert clauses == [Clause(MES_EN, alternatives=(("mes",), MES_ZH)), Clause(("机床",))]


def test_a_chinese_phrase_inside_a_longer_run_is_found():
    clauses = parse_query("扫描条码枪", synonyms=TABLE)
    assert Clause(("条码",), alternatives=(("barcod",),)) in clauses
    # The rest of the run stays a phrase of its bigrams; a lone character borrows one.
    assert Clause(("扫描",)) in clauses and Clause(("码枪",)) in clauses


def test_quoted_words_are_taken_literally():
    assert parse_query('"MES"', synonyms=TABLE) == [Clause(("mes",))]


def test_without_a_table_nothing_is_expanded():
    assert parse_query("MES") == [Clause(("mes",))]


# Finding through synonyms, on SQLite and PostgreSQL alike


@pytest.fixture
def chinese_mes(publish):
    return publish(neutral=True, title_zh="离散制造执行系统实施")


@pytest.fixture
def english_mes(publish):
    return publish(neutral=True, title_en="Manufacturing execution systems for job shops")


@pytest.mark.django_db
def test_an_abbreviation_finds_both_languages(backend, chinese_mes, english_mes):
    assert found(backend, "MES") == {chinese_mes.pk, english_mes.pk}


@pytest.mark.django_db
def test_chinese_finds_english_and_english_finds_chinese(backend, chinese_mes, english_mes):
    assert found(backend, "制造执行系统") == {chinese_mes.pk, english_mes.pk}
    assert found(backend, "manufacturing execution system") == {chinese_mes.pk, english_mes.pk}


@pytest.mark.django_db
def test_a_synonym_still_needs_the_other_words(backend, chinese_mes, english_mes):
    assert found(backend, "MES job shops") == {english_mes.pk}


@pytest.mark.django_db
def test_the_synonym_is_highlighted(backend, chinese_mes):
    [hit] = backend.search(SearchQuery(text="MES")).hits
    assert hit.highlight["title_zh"] == "离散<mark>制造执行系统</mark>实施"
