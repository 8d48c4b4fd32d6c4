"""The language handling shared by index and query (no database needed)."""

import pytest

from search.analysis import Clause, SynonymTable, highlight, parse_query, stem, terms, tokenize


def test_cjk_runs_become_overlapping_bigrams():
    assert terms("预测性维护") == "预测 测性 性维 维护"


def test_mixed_latin_and_cjk_split_at_the_script_boundary():
    assert terms("MES系统") == "mes 系统"


def test_full_width_letters_and_digits_are_folded():
    assert terms("ＭＥＳ ５Ｇ专网") == "mes 5g 专网"


def test_a_lone_cjk_character_is_kept():
    assert terms("泵") == "泵"


def test_diacritics_are_removed_outside_cjk():
    assert terms("Café") == "cafe"


def test_stop_words_are_dropped_but_it_stays():
    assert terms("the IT architecture for a plant") == "it architectur plant"


def test_token_offsets_point_into_the_original_text():
    text = "MES系统"
    assert [(t.term, text[t.start:t.end]) for t in tokenize(text)] == [
        ("mes", "MES"), ("系统", "系统")
    ]


@pytest.mark.parametrize(
    "words",
    [
        ("schedule", "scheduling", "scheduled", "schedules"),
        ("plan", "planning", "planned", "plans"),
        ("optimise", "optimisation", "optimization", "optimize", "optimizing"),
        ("predict", "prediction", "predictive", "predicted"),
        ("maintain", "maintenance", "maintained"),
        ("machine", "machines", "machining"),
        ("inspect", "inspection", "inspections"),
        ("process", "processes", "processing"),
    ],
)
def test_inflections_and_derivations_share_a_stem(words):
    assert len({stem(word) for word in words}) == 1, {word: stem(word) for word in words}


@pytest.mark.parametrize("a,b", [("schedule", "school"), ("plan", "plant"), ("cast", "castle")])
def test_different_words_keep_different_stems(a, b):
    assert stem(a) != stem(b)


def test_query_cjk_run_is_a_phrase_of_its_bigrams():
    assert parse_query("预测性维护") == [Clause(("预测", "测性", "性维", "维护"))]


def test_query_with_any_word_splits_cjk_runs_into_bigrams():
    assert parse_query("预测性维护", any_word=True) == [
        Clause(("预测",)), Clause(("测性",)), Clause(("性维",)), Clause(("维护",))
    ]


def test_prose_drops_what_an_apostrophe_leaves_of_contractions():
    clauses = parse_query("drivers can't keep up; we'd like a spindle's history", any_word=True)
    assert [clause.terms for clause in clauses] == [("driver",), ("spindl",), ("history",)]


def test_prose_drops_how_the_story_is_told():
    clauses = parse_query("Every week the boss calls around to find an order", any_word=True)
    assert [clause.terms for clause in clauses] == [("boss",), ("order",)]


def test_prose_drops_the_pronoun_it_but_keeps_it_in_capitals():
    assert parse_query("swap it before It fails", any_word=True) == [
        Clause(("swap",)), Clause(("fail",))]
    assert Clause(("it",)) in parse_query("IT and OT networks", any_word=True)
    # A search box query keeps every word its writer chose.
    assert Clause(("it",)) in parse_query("swap it")


def test_query_lone_cjk_character_is_a_prefix():
    assert parse_query("泵") == [Clause(("泵",), prefix=True)]


def test_query_quoted_words_are_a_phrase_and_the_rest_single_words():
    assert parse_query('"predictive maintenance" CNC系统') == [
        Clause(("predict", "maintain")), Clause(("cnc",)), Clause(("系统",))
    ]


def test_query_of_only_stop_words_has_no_clauses():
    assert parse_query("the of and") == []


def test_highlight_marks_matches_and_escapes_the_rest():
    marked = highlight("<b>MES</b>系统 for scheduling", parse_query("系统 schedule"))
    assert marked == "&lt;b&gt;MES&lt;/b&gt;<mark>系统</mark> for <mark>scheduling</mark>"


def test_highlight_merges_overlapping_bigrams_into_one_mark():
    assert highlight("设备预测性维护", parse_query("预测性维护")) == "设备<mark>预测性维护</mark>"


def test_highlight_without_a_match_is_empty():
    assert highlight("数字孪生", parse_query("维护")) == ""


def test_highlight_fragment_is_a_window_around_the_first_match():
    text = "x " * 200 + "gearbox " + "y " * 200
    marked = highlight(text, parse_query("gearbox"), fragment_chars=100)
    assert "<mark>gearbox</mark>" in marked
    assert marked.startswith("…") and marked.endswith("…")
    assert len(marked) < 150


def test_query_keeps_a_bounded_number_of_clauses():
    text = " ".join(f"word{i}" for i in range(500))
    assert len(parse_query(text, any_word=True)) == 100


SAMPLES = [
    "ＭＥＳ ５Ｇ专网", "Café crème brûlée", "MES系统，预测性维护（PHM）。", "the IT architecture",
    "泵", "ﬁnance ①②", "Ärger über Öl", "x" * 70 + " ok", "2025-28 OEE/TPM", "Ǆemal ŉ",
    "数控机床——主轴“振动”监测", "",
]


@pytest.mark.parametrize("stemmed", [True, False])
@pytest.mark.parametrize("text", SAMPLES)
def test_fast_terms_say_what_the_tokenizer_says(text, stemmed):
    """terms() folds a whole string at once (indexing 100,000 solutions, and their
    suggestions unstemmed); queries and highlights fold a character at a time: both must give
    the same terms."""
    assert terms(text, stemmed=stemmed) == " ".join(
        token.term for token in tokenize(text, stemmed=stemmed))


MARKDOWN = [
    "Uses **AI** models",
    "## 方案概述\n在主轴部署**预测性维护**。\n\n- 状态监测看板\n- 故障诊断知识库（轴承）",
    "See [our site](https://x.example.com/a_b) and ![a diagram](http://i.png) <b>bold</b> &amp;",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "snake_case and _emphasis_ and `code` ~~gone~~",
    "1. first\n> quoted\n---\n[1]: http://ref.example.com/x",
    "<script>alert(1)</script>kept <https://auto.example.com>",
]


@pytest.mark.parametrize("markdown", MARKDOWN)
def test_indexed_descriptions_have_the_words_a_reader_sees(markdown):
    from search.index import indexable_text, plain_text

    assert terms(indexable_text(markdown)) == terms(plain_text(markdown))


def test_unstemmed_tokens_serve_prefixes():
    assert [t.term for t in tokenize("Scheduling systems", stemmed=False)] == [
        "scheduling", "systems"]


def test_prefix_queries_take_the_last_word_as_typed_so_far():
    from search.analysis import parse_prefix_query

    assert parse_prefix_query("predictive mainte") == [
        Clause(("predictive",)), Clause(("mainte",), prefix=True)]
    assert parse_prefix_query("预测性维") == [Clause(("预测", "测性", "性维"))]
    assert parse_prefix_query("MES 系") == [Clause(("mes",)), Clause(("系",), prefix=True)]
    assert parse_prefix_query("the") == [Clause(("the",), prefix=True)]


def test_a_synonym_phrase_is_highlighted_where_its_words_follow_one_another():
    clauses = parse_query("APS", synonyms=SynonymTable([["APS", "shop-floor scheduling"]]))
    assert highlight("Shop-floor scheduling for job shops", clauses) == (
        "<mark>Shop</mark>-<mark>floor</mark> <mark>scheduling</mark> for job shops")
    assert highlight("Scheduling of the shop floor", clauses) == ""
