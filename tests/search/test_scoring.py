"""One ranking for every engine (search.scoring): BM25 over the analysed terms with the fields'
weights, from term statistics kept with the index."""

import pytest

from search.analysis import MAX_REPEATS, Clause, parse_query, terms
from search.backends import SearchQuery, get_backend
from search.scoring import EntryTerms, Statistics, rank, score

STATS = Statistics(entries=1000, average_length=20.0,
                   frequencies={"spindl": 10, "monitor": 400, "维护": 50, "预测": 50})


def entry(title="", description="", title_weight=3, description_weight=1):
    return EntryTerms([(title_weight, terms(title)), (description_weight, terms(description))])


def test_a_rare_word_weighs_more_than_a_common_one():
    clauses = parse_query("spindle monitoring", any_word=True)
    rare = score(clauses, entry(description="spindle health"), STATS)
    common = score(clauses, entry(description="monitoring dashboard"), STATS)
    assert rare > common > 0


def test_a_word_in_the_title_weighs_more_than_in_the_description():
    clauses = parse_query("spindle")
    assert (score(clauses, entry(title="spindle", description="a b"), STATS)
            > score(clauses, entry(title="a b", description="spindle"), STATS))


def test_a_word_a_long_query_repeats_counts_as_often():
    clauses = parse_query("spindle noise; the spindle again; a spindle", any_word=True)
    assert [clause.repeats for clause in clauses] == [3, 1]
    once = parse_query("spindle noise", any_word=True)
    spindle = entry(description="spindle")
    assert score(clauses, spindle, STATS) == pytest.approx(3 * score(once, spindle, STATS))


def test_chinese_bigrams_are_not_counted_again():
    """生产 of 生产线 and 生产计划 is no word said twice."""
    assert {clause.repeats for clause in parse_query("生产线和生产计划", any_word=True)} == {1}


def test_repeats_are_counted_up_to_a_bound_and_only_in_queries_of_any_word():
    text = " ".join(["spindle"] * 10)
    assert parse_query(text, any_word=True)[0].repeats == MAX_REPEATS
    assert parse_query(text) == [Clause(("spindl",))]
    assert parse_query(text)[0].repeats == 1


def test_a_shorter_entry_says_more_about_the_word():
    clauses = parse_query("spindle")
    short = entry(description="spindle care")
    long = entry(description="spindle care " + " ".join(f"word{n}" for n in range(60)))
    assert score(clauses, short, STATS) > score(clauses, long, STATS)


def test_a_chinese_word_is_its_phrase_of_bigrams():
    clauses = parse_query("预测性维护")
    assert score(clauses, entry(title="设备预测性维护"), STATS) > 0
    # The same bigrams apart are not the phrase.
    assert score(clauses, entry(title="预测 维护"), STATS) == 0


def test_a_lone_character_is_a_prefix():
    clauses = parse_query("维")
    entries = {1: entry(title="维护"), 2: entry(title="检测")}
    scores = rank(clauses, entries, STATS)
    assert scores[1] > 0 and scores[2] == 0


def test_each_phrase_of_a_clause_counts():
    clause = Clause(("mes",), alternatives=(("制造", "造执", "执行", "行系", "系统"),))
    one = score([clause], entry(title="mes"), STATS)
    both = score([clause], entry(title="mes 制造执行系统"), STATS)
    assert both > one > 0


def test_nothing_in_common_scores_zero():
    assert score(parse_query("spindle"), entry(title="warehouse"), STATS) == 0
    assert score(parse_query("spindle"), EntryTerms([]), STATS) == 0


def test_a_term_in_every_entry_still_counts_a_little():
    everywhere = Statistics(entries=10, average_length=5.0, frequencies={"spindl": 10})
    assert everywhere.idf(10) > 0
    assert everywhere.idf(1) > everywhere.idf(10)


@pytest.mark.django_db
def test_an_entry_matching_outside_title_and_summary_is_ranked_by_its_words(publish):
    """PostgreSQL's own rank looked at titles and summaries only: an entry holding the rare
    word in its description came after every entry with a common word in its title."""
    common = publish(neutral=True, title_en="Monitoring dashboard")
    rare = publish(neutral=True, title_en="Line toolkit",
                   description_en="Spindle vibration analysis finds failing bearings.")
    for n in range(4):
        publish(neutral=True, title_en=f"Monitoring suite {n}")
    results = get_backend().search(SearchQuery(text="spindle monitoring", operator="or"))
    assert results.ids[0] == rare.pk
    assert common.pk in results.ids


@pytest.mark.django_db
def test_the_scores_are_search_scorings_whatever_the_engine(publish):
    """The database backend's scores are search.scoring's over the stored statistics: the same
    figures on SQLite and PostgreSQL."""
    from search.models import SearchEntry, SearchTerm

    publish(neutral=True, title_en="Spindle monitoring", summary_en="Vibration of spindles")
    publish(neutral=True, title_en="Energy monitoring", description_en="Meters and spindle")
    results = get_backend().search(SearchQuery(text="spindle monitoring"))
    clauses = parse_query("spindle monitoring")
    entries = {}
    for pk, *columns in SearchEntry.objects.values_list(
            "pk", "title_terms", "summary_terms", "scenarios_terms", "description_terms",
            "vendor_terms", "case_studies_terms"):
        entries[pk] = EntryTerms(zip((3, 2, 2, 1, 1, 1), columns, strict=True))
    lengths = [entry.length for entry in entries.values()]
    stats = Statistics(entries=len(entries), average_length=sum(lengths) / len(lengths),
                       frequencies=dict(SearchTerm.objects.values_list("term", "entries")))
    expected = rank(clauses, entries, stats)
    assert {hit.id: pytest.approx(hit.score) for hit in results.hits} == expected
