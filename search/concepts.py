"""Checking the concept list (catalog/data/concepts.json) as search will use it.

catalog.concepts checks the entries as data (a code, both languages, known scenarios). Here
each phrase is taken in its indexed form (search.analysis.terms), which is how search
compares phrases, and the list is checked for what would make search worse rather than
better:

- a phrase that normalises to nothing (only stop words) would silently drop out;
- a phrase in two concepts would merge them into one (groups sharing a phrase are merged);
- a generic word (检测, "system", 管理…) in a concept, or in a synonyms-file group a concept
  merges with, would make every phrase of the concept as broad as that word;
- a merged group above MAX_GROUP_PHRASES phrases means some chain of shared phrases joined
  ideas that are not one.

`problems()` runs as a Django system check (search.apps registers it), so `manage.py check`
and every test run name a bad entry. It reads the files only, not the database: the
taxonomy's names join the groups at query time, and tests/search/test_concepts.py checks the
groups they make.
"""

from django.core import checks

from catalog.concepts import load_concepts, scenario_codes, structure_problems

from . import analysis, synonyms

MAX_GROUP_PHRASES = 24
GENERIC_PHRASES = frozenset(analysis.terms(phrase) for phrase in (
    "system", "系统", "management", "管理", "platform", "平台", "software", "软件",
    "solution", "解决方案", "inspection", "检测", "monitoring", "监测", "监控",
    "maintenance", "维修", "维护", "quality", "质量", "equipment", "设备", "machine",
    "production", "生产", "manufacturing", "制造", "data", "数据", "analysis", "分析",
    "control", "控制", "optimisation", "优化", "intelligent", "smart", "智能", "digital",
    "数字化", "AI", "人工智能", "defect", "缺陷", "process", "工艺", "service", "服务",
    "logistics", "物流", "safety", "安全", "energy", "能源",
))


def concept_problems(concepts, other_groups=()):
    """What search would make of `concepts` that it should not, as sentences; [] when
    nothing. `other_groups` are the groups the concepts are merged with (the synonyms
    file's)."""
    problems, owner = [], {}
    for concept in concepts:
        for phrase in concept.phrases:
            key = analysis.terms(phrase)
            if phrase and not key:
                problems.append(f"concept {concept.code}: {phrase!r} normalises to nothing")
            elif key in GENERIC_PHRASES:
                problems.append(f"concept {concept.code}: {phrase!r} is too generic a phrase")
            elif owner.setdefault(key, concept.code) != concept.code:
                problems.append(f"concept {concept.code}: {phrase!r} is also in concept "
                                f"{owner[key]}")
    concept_keys = set(owner)
    written = {analysis.terms(phrase) for concept in concepts for phrase in concept.phrases}
    groups = synonyms.merge_groups(list(other_groups) + synonyms.concept_groups(concepts))
    for group in groups:
        named = [phrase for phrase in group if analysis.terms(phrase) in concept_keys]
        if not named:
            continue
        generic = sorted(phrase for phrase in group if (key := analysis.terms(phrase))
                         in GENERIC_PHRASES and key not in written)
        if generic:
            problems.append(f"the group of {named[0]!r} takes in the generic {generic[0]!r} "
                            "through a phrase it shares with a synonyms-file line")
        if len(group) > MAX_GROUP_PHRASES:
            problems.append(f"the group of {named[0]!r} has {len(group)} phrases (at most "
                            f"{MAX_GROUP_PHRASES}): shared phrases chain unrelated ideas")
    return problems


def problems():
    """Every problem of the concept list as it is on disk."""
    concepts = load_concepts()
    return (structure_problems(concepts, scenario_codes())
            + concept_problems(concepts, synonyms.curated_groups()))


def check_concepts(app_configs=None, **kwargs):
    """The Django system check: one error per problem of the concept list."""
    return [checks.Error(problem, hint="Fix catalog/data/concepts.json (docs/concepts.md).",
                         id="search.E001") for problem in problems()]
