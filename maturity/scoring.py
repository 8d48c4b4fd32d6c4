"""The scoring rule, in one function: `score_assessment`.

Each statement is answered on the satisfaction scale 0 / 0.5 / 0.8 / 1 (GB/T 39117).

1. A sub-domain's satisfaction at a level is the weighted mean of its statements' answers at
   that level (an unanswered statement counts 0).
2. A level's score is the weighted mean, over the applicable sub-domains, of their
   satisfaction at that level. Sub-domains marked not applicable take no part at all.
3. A level is reached when its score is at least 0.8 and every lower level is reached.
   The overall level is the highest level reached (0 when not even level 1 is).
4. The 0-5 score is the level reached plus the score of the next level, which is below 0.8
   by rule 3; so its whole part is always the level (2.35: level 2, level 3 at 0.35), and it
   is 5 when level 5 is reached.
5. A sub-domain's own level and 0-5 score follow rules 3 and 4 on its satisfactions alone.

Arithmetic is exact (fractions), so an answer set that meets 0.8 exactly reaches the level.
Raising an answer never lowers a level or a score: every step above is monotone.
"""

from dataclasses import dataclass, field
from fractions import Fraction

LEVELS = (1, 2, 3, 4, 5)
THRESHOLD = Fraction(4, 5)
SCALE = (Fraction(0), Fraction(1, 2), Fraction(4, 5), Fraction(1))


@dataclass(frozen=True)
class SubDomainSpec:
    """A sub-domain as the rule sees it: `statements[level]` is a tuple of
    (statement key, weight) pairs."""

    code: str
    weight: Fraction
    statements: dict


@dataclass
class SubDomainScore:
    level: int
    score: Fraction
    satisfaction: dict  # level -> Fraction | None (None: nothing to answer at that level)


@dataclass
class AssessmentScore:
    level: int
    score: Fraction
    level_scores: dict  # level -> Fraction | None
    subdomains: dict = field(default_factory=dict)  # code -> SubDomainScore (applicable only)


def _fraction(value):
    return value if isinstance(value, Fraction) else Fraction(str(value))


def _weighted_mean(pairs):
    """Weighted mean of (weight, value) pairs; None when there are none."""
    pairs = list(pairs)
    total = sum(weight for weight, _value in pairs)
    if not pairs or total == 0:
        return None
    return sum(weight * value for weight, value in pairs) / total


def _level_and_score(by_level):
    """Rules 3 and 4 on {level: score or None}; a level with nothing to meet is passed."""
    reached = 0
    for level in LEVELS:
        value = by_level.get(level)
        if value is not None and value < THRESHOLD:
            break
        reached = level
    if reached == 5:
        return 5, Fraction(5)
    return reached, reached + (by_level.get(reached + 1) or Fraction(0))


def score_assessment(subdomains, answers, not_applicable=()):
    """Score one assessment.

    `subdomains`: SubDomainSpecs; `answers`: {statement key: value on the scale};
    `not_applicable`: sub-domain codes left out. Returns an AssessmentScore."""
    excluded = set(not_applicable)
    applicable = [spec for spec in subdomains if spec.code not in excluded]
    if not applicable:
        return AssessmentScore(level=0, score=Fraction(0), level_scores=dict.fromkeys(LEVELS))
    scores = {}
    for spec in applicable:
        satisfaction = {
            level: _weighted_mean(
                (_fraction(weight), _fraction(answers.get(key, 0)))
                for key, weight in spec.statements.get(level, ())
            )
            for level in LEVELS
        }
        level, score = _level_and_score(satisfaction)
        scores[spec.code] = SubDomainScore(level=level, score=score, satisfaction=satisfaction)
    level_scores = {
        level: _weighted_mean(
            (_fraction(spec.weight), scores[spec.code].satisfaction[level])
            for spec in applicable if scores[spec.code].satisfaction[level] is not None
        )
        for level in LEVELS
    }
    level, score = _level_and_score(level_scores)
    return AssessmentScore(level=level, score=score, level_scores=level_scores,
                           subdomains=scores)


def specs_for(model):
    """SubDomainSpecs of a MaturityModel, keyed by statement id, in two queries."""
    from .models import SubDomain

    specs = []
    for subdomain in SubDomain.objects.filter(model=model).prefetch_related("statements"):
        statements = {}
        for statement in subdomain.statements.all():
            statements.setdefault(statement.level, []).append(
                (statement.pk, _fraction(statement.weight))
            )
        specs.append(SubDomainSpec(
            code=subdomain.code, weight=_fraction(subdomain.weight),
            statements={level: tuple(items) for level, items in statements.items()},
        ))
    return specs
