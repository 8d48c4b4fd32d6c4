"""The scoring rule (maturity.scoring.score_assessment): hand-worked examples, sub-domains
not applicable, and its properties (monotone, the score's whole part is the level)."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from maturity.scoring import LEVELS, SCALE, THRESHOLD, SubDomainSpec, score_assessment

F = Fraction


def spec(code, weight=1, per_level=1, statement_weights=None):
    """A sub-domain with `per_level` statements at every level, keyed '<code><level>.<n>'."""
    weights = statement_weights or [1] * per_level
    return SubDomainSpec(code=code, weight=F(weight), statements={
        level: tuple((f"{code}{level}.{n}", F(w)) for n, w in enumerate(weights, start=1))
        for level in LEVELS
    })


def answers(code, by_level, n=1):
    return {f"{code}{level}.{i}": value for level, value in by_level.items()
            for i in range(1, n + 1)}


A, B = spec("a"), spec("b")


def test_level_two_when_level_three_falls_short_and_score_adds_the_next_levels_share():
    given_answers = {**answers("a", {1: 1, 2: 1, 3: 1}), **answers("b", {1: 1, 2: 0.8, 3: 0.5})}
    result = score_assessment([A, B], given_answers)
    # L1 = 1, L2 = (1 + 0.8) / 2 = 0.9, L3 = (1 + 0.5) / 2 = 0.75 < 0.8.
    assert result.level_scores[2] == F(9, 10)
    assert result.level_scores[3] == F(3, 4)
    assert result.level == 2
    assert result.score == F(11, 4)  # 2 + 0.75


def test_exactly_point_eight_reaches_the_level():
    result = score_assessment([A, B], {**answers("a", {1: "0.8"}), **answers("b", {1: "0.8"})})
    assert result.level_scores[1] == THRESHOLD
    assert result.level == 1
    assert result.score == 1  # level 2 has no answers: 1 + 0


def test_a_higher_level_does_not_count_while_a_lower_one_is_not_reached():
    given_answers = {**answers("a", {1: 0.5, 2: 1, 3: 1, 4: 1, 5: 1}),
                     **answers("b", {1: 0.5, 2: 1, 3: 1, 4: 1, 5: 1})}
    result = score_assessment([A, B], given_answers)
    assert result.level == 0
    assert result.score == F(1, 2)


def test_everything_fully_met_is_level_five_with_score_five():
    full = {**answers("a", dict.fromkeys(LEVELS, 1)), **answers("b", dict.fromkeys(LEVELS, 1))}
    result = score_assessment([A, B], full)
    assert (result.level, result.score) == (5, 5)


def test_nothing_answered_is_level_zero():
    result = score_assessment([A, B], {})
    assert (result.level, result.score) == (0, 0)


def test_sub_domain_weights_weigh_the_level_score():
    heavy, light = spec("a", weight=3), spec("b", weight=1)
    given_answers = {**answers("a", {1: 1}), **answers("b", {1: 0})}
    assert score_assessment([heavy, light], given_answers).level_scores[1] == F(3, 4)
    heavier = spec("a", weight=4)
    result = score_assessment([heavier, light], given_answers)
    assert result.level_scores[1] == F(4, 5)
    assert result.level == 1


def test_statement_weights_weigh_a_sub_domains_satisfaction():
    weighted = spec("a", per_level=2, statement_weights=[3, 1])
    result = score_assessment([weighted], {"a1.1": 1, "a1.2": 0, "a2.1": 0, "a2.2": 1})
    assert result.subdomains["a"].satisfaction[1] == F(3, 4)
    assert result.subdomains["a"].satisfaction[2] == F(1, 4)


def test_unanswered_statements_count_as_not_met():
    two = spec("a", per_level=2)
    result = score_assessment([two], {"a1.1": 1})
    assert result.subdomains["a"].satisfaction[1] == F(1, 2)
    assert result.level == 0


def test_each_sub_domain_gets_its_own_level_and_score():
    given_answers = {**answers("a", {1: 1, 2: 1, 3: 0.5}), **answers("b", {1: 0.5})}
    result = score_assessment([A, B], given_answers)
    assert (result.subdomains["a"].level, result.subdomains["a"].score) == (2, F(5, 2))
    assert (result.subdomains["b"].level, result.subdomains["b"].score) == (0, F(1, 2))


def test_a_sub_domain_marked_not_applicable_takes_no_part():
    given_answers = {**answers("a", {1: 1, 2: 1, 3: 1}), **answers("b", {1: 0, 2: 0, 3: 0})}
    with_b = score_assessment([A, B], given_answers)
    without_b = score_assessment([A, B], given_answers, not_applicable=["b"])
    assert with_b.level == 0
    assert without_b.level == 3
    assert without_b.level_scores[1] == 1
    assert "b" not in without_b.subdomains


def test_all_sub_domains_not_applicable_scores_zero():
    result = score_assessment([A, B], answers("a", dict.fromkeys(LEVELS, 1)),
                              not_applicable=["a", "b"])
    assert (result.level, result.score) == (0, 0)
    assert result.subdomains == {}


def test_a_level_with_no_statements_is_passed_not_blocking():
    sparse = SubDomainSpec(code="s", weight=F(1), statements={
        2: (("s2", F(1)),), 3: (("s3", F(1)),)})
    result = score_assessment([sparse], {"s2": 1, "s3": "0.5"})
    assert result.level_scores[1] is None
    assert result.level == 2
    assert result.score == F(5, 2)


# Properties --------------------------------------------------------------------------------

weights = st.integers(min_value=1, max_value=3)


@st.composite
def assessments(draw):
    """(specs, answers as scale indexes, not-applicable codes)."""
    count = draw(st.integers(min_value=1, max_value=4))
    specs = [spec(f"d{i}", weight=draw(weights),
                  statement_weights=draw(st.lists(weights, min_size=1, max_size=3)))
             for i in range(count)]
    keys = [key for s in specs for items in s.statements.values() for key, _w in items]
    answered = draw(st.dictionaries(st.sampled_from(keys), st.integers(0, len(SCALE) - 1)))
    excluded = draw(st.sets(st.sampled_from([s.code for s in specs]), max_size=count - 1))
    return specs, keys, answered, excluded


def _values(answered):
    return {key: SCALE[index] for key, index in answered.items()}


@settings(max_examples=300, deadline=None)
@given(assessments(), st.data())
def test_raising_an_answer_never_lowers_a_level_or_a_score(case, data):
    specs, keys, answered, excluded = case
    key = data.draw(st.sampled_from(keys))
    raised = dict(answered)
    # An unanswered statement counts as 0, so answering it at all is a raise too.
    raised[key] = data.draw(st.integers(answered.get(key, 0), len(SCALE) - 1))

    before = score_assessment(specs, _values(answered), excluded)
    after = score_assessment(specs, _values(raised), excluded)

    assert after.level >= before.level
    assert after.score >= before.score
    for code, item in before.subdomains.items():
        assert after.subdomains[code].level >= item.level
        assert after.subdomains[code].score >= item.score


@settings(max_examples=300, deadline=None)
@given(assessments())
def test_the_score_whole_part_is_the_level_and_lower_levels_all_pass(case):
    specs, _keys, answered, excluded = case
    result = score_assessment(specs, _values(answered), excluded)
    assert 0 <= result.score <= 5
    assert int(result.score) == result.level
    for level in range(1, result.level + 1):
        assert result.level_scores[level] is None or result.level_scores[level] >= THRESHOLD
    if result.level < 5:
        assert result.level_scores[result.level + 1] < THRESHOLD
