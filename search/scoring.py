"""One ranking for every engine: BM25 over the terms search.analysis makes, with the fields'
weights (search.index.TEXT_FIELDS) and term statistics kept with the index.

An engine (SQLite FTS5, PostgreSQL full text, Elasticsearch) finds the entries that match a
query and, when there are many, bounds them to its own best few hundred; the order a reader
sees is decided here, from the same terms and the same statistics whichever engine found
them. Before this, each engine ranked with its own formula, and PostgreSQL's ts_rank knows
nothing of how rare a word is: a need's common words ("production", "系统") weighed as much as
its telling ones, and entries matching outside titles and summaries were not ranked at all
(docs/search.md has the figures).

The formula is BM25 as FTS5 and Lucene use it, over weighted term frequencies (BM25F's
simplification): a clause's frequency in an entry is the sum over fields of the field's weight
times its occurrences there, saturated by k1 and normalised by the entry's length against the
average; its weight is the inverse document frequency of its rarest term (a phrase is no
commoner than its rarest word). A clause with alternatives (synonyms, concepts) counts each
of its phrases the entry holds, as FTS5 counts the phrases of an OR: an entry saying both
"MES" and "制造执行系统" says more about it. (Counting only the best phrase was tried: on the
matching bench it changed the matcher by less than 0.005 and cost the plain search 0.05 of
English nDCG@10.) A clause a query of any word repeats (Clause.repeats: a word a need says
again, the words of its title) counts as many times, BM25's query term frequency: on the
matching bench it lifted the matcher's tuned English nDCG@10 from 0.88 to 0.95, and the plain
search's from 0.78 to 0.84.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass

from .index import TEXT_FIELDS

K1 = 1.2
B = 0.75


@dataclass(frozen=True)
class Statistics:
    """What BM25 needs of the whole index: how many entries there are, their average length
    in terms, and for each term how many entries hold it."""

    entries: int
    average_length: float
    frequencies: Mapping[str, int]

    def holding(self, phrase):
        """How many entries hold `phrase` (a tuple of terms) at most: as many as hold its
        rarest term."""
        return min(self.frequencies.get(term, 0) for term in phrase)

    def idf(self, holding):
        """Lucene's form, never negative: a term in every entry still counts a little."""
        holding = min(max(holding, 0), self.entries)
        return math.log(1 + (self.entries - holding + 0.5) / (holding + 0.5))


class EntryTerms:
    """One entry's fields, for counting terms, phrases and prefixes in them.

    Counting is done by the string methods, in C, not by splitting into terms: each field is
    kept with its separators doubled and spaces at both ends ("  mes  系统  "), so that " mes "
    is found once per occurrence, next to another or not, and a phrase is its terms joined by
    two spaces."""

    __slots__ = ("fields", "length", "whole")

    def __init__(self, columns, length=None):
        """`columns`: (weight, space-separated terms) per field; `length` the number of
        terms, counted here when not given."""
        self.fields = [(weight, " " + text.replace(" ", "  ") + " ")
                       for weight, text in columns if text]
        self.whole = "".join(text for _, text in self.fields)
        self.length = (length if length is not None
                       else sum(text.count("  ") + 1 for _, text in self.fields))

    @classmethod
    def of_fields(cls, texts, length=None):
        """An entry from its fields' terms in search.index.TEXT_FIELDS order, each with its
        field's weight."""
        return cls(zip((field.weight for field in TEXT_FIELDS), texts, strict=True), length)

    def frequency(self, phrase, prefix=False):
        """The weighted number of occurrences of `phrase` (a tuple of terms); with `prefix`,
        its last term may be the start of a longer one."""
        return self.occurrences(_needle(phrase, prefix))

    def occurrences(self, needle):
        """The weighted number of occurrences of a _needle."""
        if needle not in self.whole:
            return 0.0
        return float(sum(weight * text.count(needle) for weight, text in self.fields))


def _needle(phrase, prefix=False):
    """What EntryTerms looks for: the phrase's terms as its fields keep them."""
    return " " + "  ".join(phrase) + ("" if prefix else " ")


def terms_of(clauses):
    """Every term the clauses' phrases are made of, for looking up their frequencies."""
    return {term for clause in clauses for phrase in clause.phrases for term in phrase}


def _weighed(clauses, statistics, prefix_holding=None):
    """(needle, repeats, idf) of each phrase of the clauses, in order: what scoring an entry
    needs of a query, worked out once per query rather than once per entry."""
    weighed = []
    for clause in clauses:
        for phrase in clause.phrases:
            if clause.prefix and len(phrase) == 1 and prefix_holding is not None:
                holding = prefix_holding.get(phrase[0], 0)
            else:
                holding = statistics.holding(phrase)
            weighed.append((_needle(phrase, clause.prefix), clause.repeats,
                            statistics.idf(holding)))
    return weighed


def _score(weighed, entry, average):
    if not entry.fields:
        return 0.0
    norm = K1 * (1 - B + B * entry.length / average)
    total = 0.0
    for needle, repeats, weight in weighed:
        frequency = entry.occurrences(needle)
        if frequency:
            total += repeats * weight * frequency * (K1 + 1) / (frequency + norm)
    return total


def score(clauses, entry, statistics, prefix_holding=None):
    """The BM25 score of an EntryTerms for these clauses (search.analysis.Clause); 0 when
    none of them is in it. `prefix_holding` gives, for a prefix clause's term, how many entries
    hold a term starting with it (the statistics know whole terms only)."""
    return _score(_weighed(clauses, statistics, prefix_holding), entry,
                  statistics.average_length or 1.0)


def rank(clauses, entries, statistics):
    """{id: score} of `entries` ({id: EntryTerms}) for these clauses. A lone CJK character's
    prefix is counted among the entries themselves, the only place it can be."""
    prefixes = {clause.terms[0] for clause in clauses if clause.prefix and len(clause.terms) == 1}
    holding = None
    if prefixes:
        holding = {prefix: sum(1 for entry in entries.values()
                               if entry.frequency((prefix,), prefix=True))
                   for prefix in prefixes}
    weighed = _weighed(clauses, statistics, holding)
    average = statistics.average_length or 1.0
    return {pk: _score(weighed, entry, average) for pk, entry in entries.items()}
