"""Synonyms: phrases that mean the same across English and Chinese (MES ↔ 制造执行系统 ↔
manufacturing execution system), shared by every backend.

The groups come from three places:

- the concept list (catalog/data/concepts.json, read by catalog.concepts): each concept's
  English and Chinese phrases are one group (quality inspection ↔ 质检 ↔ 缺陷检测 ↔ …);
- the taxonomy in the database: each scenario's English and Chinese name, each technology's
  names with the abbreviation in brackets ("Manufacturing execution system (MES)" and
  "制造执行系统（MES）"), each industry's names;
- search/data/synonyms.txt: the scenario keywords paired across the two languages, and the
  abbreviations people type.

Groups that share a phrase are merged, so every phrase of a group has the same equivalents in
both backends. A concept's phrases are plain alternatives, as any group's: every phrase of a
concept finds what any other finds, in both directions, so a concept holds phrases of the same
breadth (a narrower 立体仓库 stays out of warehousing, or searching it would find every
warehouse). search.concepts checks the list and the groups it makes.

Every backend expands queries with the same SynonymTable (search.analysis): the words of a
query spelling a phrase of a group become one clause any phrase of the group satisfies, and
the database backends and Elasticsearch build their queries from those clauses. Expansion
happens at query time, so a change of taxonomy or of the concept list needs no reindex: on
PostgreSQL a phrase the last rebuild did not mark is checked by its words' positions, slower
but the same entries (search.marks).

On PostgreSQL the phrases of several terms are also marked at index time (`marked_phrases`,
search.backends.database): an entry holding one carries its token, a single lexeme, so a
query finds it in the GIN index without reading the entry's positions (docs/search.md).

Loaded groups are kept for CACHE_SECONDS in each process, and forgotten at once when this
process saves a taxonomy row (search.apps connects `forget` to the taxonomy's signals).
"""

import re
import threading
import time
from pathlib import Path

from catalog.concepts import load_concepts

from . import analysis
from .marks import mark_token

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
CACHE_SECONDS = 300
_BRACKETS = re.compile(r"\s*[(（]([^()（）]*)[)）]\s*")
# A bracketed part is an abbreviation when it looks like one (MES, EAM, S&OP), not a gloss
# such as "(incl. industrial trucks)".
_ABBREVIATION = re.compile(r"^[A-Za-z0-9&][A-Za-z0-9&.\- ]{0,11}$")

_lock = threading.Lock()
_cache = {}


def curated_groups(path=SYNONYMS_FILE):
    """Groups of the synonyms file: one per line, phrases separated by commas; # comments."""
    groups = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        phrases = [phrase.strip() for phrase in line.split(",") if phrase.strip()]
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


def concept_groups(concepts=None):
    """Groups of the concept list: one per concept, its English then its Chinese phrases."""
    concepts = load_concepts() if concepts is None else concepts
    return [list(concept.phrases) for concept in concepts if len(concept.phrases) > 1]


def _name_parts(name):
    """A taxonomy name and its bracketed abbreviation as separate phrases; a name listing
    several things ("AGV / AMR", "CAD / CAE / CAM") is not one phrase and gives none."""
    parts = []
    for abbreviation in _BRACKETS.findall(name):
        if _ABBREVIATION.match(abbreviation.strip()) and "/" not in abbreviation:
            parts.append(abbreviation.strip())
    base = _BRACKETS.sub(" ", name).strip()
    if base and "/" not in base:
        parts.append(base)
    return parts


def taxonomy_groups():
    """Groups made of the taxonomy's bilingual names (scenarios, technologies, industries),
    read from the snapshot search.index keeps of the taxonomy."""
    from .index import TaxonomySnapshot

    taxonomy = TaxonomySnapshot.current()
    names = [(s["name_en"], s["name_zh"]) for s in sorted(taxonomy.scenarios.values(),
                                                          key=lambda s: s["code"])]
    names += [taxonomy.names[key] for key in sorted(taxonomy.names, key=lambda k: (
        k[0] != "technology", k[1]))]
    groups = []
    for name_en, name_zh in names:
        phrases = list(dict.fromkeys(_name_parts(name_en) + _name_parts(name_zh)))
        if len(phrases) > 1:
            groups.append(phrases)
    return groups


def merge_groups(groups):
    """Groups sharing a phrase (compared in their indexed form) become one group; phrases
    that normalise to nothing (only stop words) are dropped."""
    parent = {}

    def find(key):
        while parent[key] != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    spellings = {}  # normalised key → its spellings (Elasticsearch stems some differently)
    for group in groups:
        keys = []
        for phrase in group:
            key = analysis.terms(phrase)
            if not key:
                continue
            known = spellings.setdefault(key, [])
            if phrase.lower() not in (spelling.lower() for spelling in known):
                known.append(phrase)
            parent.setdefault(key, key)
            keys.append(key)
        for key in keys[1:]:
            parent[find(key)] = find(keys[0])
    merged = {}
    for key, phrases in spellings.items():
        merged.setdefault(find(key), []).extend(phrases)
    return [phrases for phrases in merged.values() if len(phrases) > 1]


def synonym_groups():
    """Every group, merged, from the taxonomy, the synonyms file and the concept list
    (cached)."""
    return _cached("groups", lambda: merge_groups(
        taxonomy_groups() + curated_groups() + concept_groups()))


def synonym_table():
    """The SynonymTable the database backend expands queries with (cached)."""
    return _cached("table", lambda: analysis.SynonymTable(synonym_groups()))


def query_clauses(text, *, any_word=False):
    """The clauses of a query's text (analysis.parse_query), expanded by the synonym table:
    how every backend, and whoever marks its words, reads a query."""
    return analysis.parse_query(text, any_word=any_word,
                                synonyms=synonym_table() if text else None)


def marked_phrases():
    """{token: phrase} of the phrases of several terms in the synonym groups, which the
    PostgreSQL index marks (cached)."""
    return _cached("marked", lambda: {
        mark_token(phrase): phrase for phrase in synonym_table().phrases() if len(phrase) > 1})


def _cached(name, build):
    with _lock:
        hit = _cache.get(name)
        if hit and hit[0] > time.monotonic():
            return hit[1]
    value = build()
    with _lock:
        _cache[name] = (time.monotonic() + CACHE_SECONDS, value)
    return value


def forget(**kwargs):
    """Drop the cached groups (a taxonomy row changed in this process)."""
    with _lock:
        _cache.clear()
