"""The concept list (catalog/data/concepts.json): the file is sound, the groups it makes stay
narrow, and every phrase of every concept finds solutions written with the others, in both
languages (database backend; the same groups reach Elasticsearch as synonym rules)."""

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.concepts import Concept, load_concepts, scenario_codes, structure_problems
from catalog.models import SolutionStatus
from search import concepts, synonyms
from search.analysis import parse_query
from search.backends import SearchQuery
from search.backends.database import DatabaseBackend
from search.services import sync_solutions
from tests.factories import SolutionFactory
from tests.search.conftest import NEUTRAL_TEXT

CONCEPTS = load_concepts()


def concept(code="c", en=("quality inspection",), zh=("质检",), scenarios=("2025-24",)):
    return Concept(code=code, scenarios=tuple(scenarios), en=tuple(en), zh=tuple(zh))


# The file


def test_the_file_has_no_problem():
    assert concepts.problems() == []


def test_every_scenario_of_the_taxonomy_has_a_concept():
    covered = {code for entry in CONCEPTS for code in entry.scenarios}
    assert covered == scenario_codes()
    assert len(CONCEPTS) >= 40


def test_an_entry_needs_a_code_both_languages_and_known_scenarios():
    problems = structure_problems([
        concept(code=""),
        concept(code="one-language", zh=()),
        concept(code="empty", en=("quality inspection", "")),
        concept(code="mixed", en=("质检 line",), zh=("QA",)),
        concept(code="lost", scenarios=("2099-01",)),
        concept(code="lost"),
    ], scenario_codes())
    assert problems == [
        "concept #1 has no code",
        "concept one-language needs phrases in both English and Chinese",
        "concept empty has an empty phrase",
        "concept mixed: English phrase '质检 line' has Chinese characters",
        "concept mixed: Chinese phrase 'QA' has no Chinese characters",
        "concept lost: no scenario '2099-01' in the taxonomy",
        "concept lost appears twice",
    ]


def test_a_phrase_of_stop_words_a_generic_word_or_a_shared_phrase_is_refused():
    problems = concepts.concept_problems([
        concept(code="a", en=("the", "defect detection")),
        concept(code="b", en=("Defect detections",), zh=("检测",)),
    ])
    assert problems == [
        "concept a: 'the' normalises to nothing",
        "concept b: 'Defect detections' is also in concept a",
        "concept b: '检测' is too generic a phrase",
    ]


def test_a_concept_may_not_take_in_a_generic_word_through_the_synonyms_file():
    problems = concepts.concept_problems(
        [concept(en=("visual inspection",), zh=("视觉检测",))],
        other_groups=[["inspection", "检测"], ["视觉检测", "machine vision inspection"],
                      ["machine vision inspection", "inspection"]],
    )
    assert problems == ["the group of '视觉检测' takes in the generic 'inspection' "
                        "through a phrase it shares with a synonyms-file line"]


def test_a_chain_of_shared_phrases_making_a_huge_group_is_refused():
    chain = [[f"thing {n}", f"thing {n + 1}"] for n in range(concepts.MAX_GROUP_PHRASES)]
    [problem] = concepts.concept_problems(
        [concept(en=("thing 0", "quality inspection"))], other_groups=chain)
    assert "phrases (at most 24)" in problem


@pytest.mark.django_db
def test_merged_with_the_taxonomy_no_group_grows_past_the_limit():
    synonyms.forget()
    groups = synonyms.synonym_groups()
    assert max(map(len, groups)) <= concepts.MAX_GROUP_PHRASES
    inspection = next(group for group in groups if "质量检测" in group)
    assert {"quality inspection", "缺陷检测", "视觉检测", "surface defect inspection"} <= set(
        inspection)
    assert "检测" not in inspection and "inspection" not in inspection


@pytest.mark.django_db  # the synonym table reads the taxonomy when not cached
def test_a_concept_phrase_in_a_query_is_one_clause_with_the_others_as_alternatives():
    [clause] = parse_query("质量检测", synonyms=synonyms.synonym_table())
    assert ("defect", "inspect") in clause.alternatives
    assert ("质检",) in clause.alternatives


# Every phrase finds what every other phrase of its concept finds


@pytest.fixture(scope="module")
def indexed(django_db_setup, django_db_blocker):
    """{(concept code, language): solution id}: for each concept a solution written in
    English with its first English phrase and one written in Chinese with its first Chinese
    phrase, indexed once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            synonyms.forget()
            made = {}
            for entry in CONCEPTS:
                for language, title in (("en", f"Turnkey {entry.en[0]} for discrete plants"),
                                        ("zh", f"面向离散企业的{entry.zh[0]}方案")):
                    made[entry.code, language] = SolutionFactory(
                        **{**NEUTRAL_TEXT, f"title_{language}": title},
                        status=SolutionStatus.PUBLISHED, published_at=timezone.now()).pk
            made["reported"] = SolutionFactory(
                **{**NEUTRAL_TEXT, "title_en": "AI visual surface defect inspection"},
                status=SolutionStatus.PUBLISHED, published_at=timezone.now()).pk
            sync_solutions(made.values(), backend=DatabaseBackend())
            yield made
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            synonyms.forget()


def found(text):
    results = DatabaseBackend().search(SearchQuery(text=text, page_size=100))
    return {hit.id for hit in results.hits}


@pytest.mark.django_db
@pytest.mark.parametrize(("code", "phrase"), [
    (entry.code, phrase) for entry in CONCEPTS for phrase in entry.phrases
])
def test_each_phrase_finds_the_concept_written_in_either_language(indexed, code, phrase):
    assert {indexed[code, "en"], indexed[code, "zh"]} <= found(phrase)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["质量检测", "quality inspection", "质检", "缺陷检测"])
def test_the_reported_query_finds_visual_surface_defect_inspection(indexed, query):
    assert indexed["reported"] in found(query)


@pytest.mark.django_db
def test_a_concept_does_not_find_another(indexed):
    hits = found("quality inspection")
    assert indexed["predictive-maintenance", "en"] not in hits
    assert indexed["predictive-maintenance", "zh"] not in hits
