"""Phrase marks for PostgreSQL: which synonym phrases of several terms an entry holds.

GIN keeps no positions, so PostgreSQL checks a phrase by reading the large vector of every
entry holding the phrase's words; a concept query of many phrases reads thousands. The
phrases of the synonym groups (search.synonyms.marked_phrases) are known before any query,
so each entry carries, beside its text, a token for each of them it holds
(search.backends.database writes them, migration 0013 makes them lexemes), and a query finds
those phrases as single lexemes in the index alone. Found in the analysed terms of one field,
as SQLite's FTS5 matches a phrase within a column.

Marks in titles and summaries also carry a weight (A and B, as the words there) and the
position their phrase starts at, so that ranking them (ts_rank over head_vector) weighs a
phrase in a title as it weighs a word there, without reading positions of words.
"""

import functools
import hashlib
from itertools import pairwise

# The largest position a tsvector holds.
MAX_POSITION = 16383
CACHED_TEXTS = 20_000


@functools.lru_cache(maxsize=4096)
def mark_token(phrase):
    """The token of a phrase (a tuple of terms) marked at index time: "M" and a hash of its
    terms. Analysed text is lower case, so no term is ever a token. Remembered: every query
    asks it for its phrases, twice."""
    key = " ".join(phrase).encode("utf-8")
    return "M" + hashlib.blake2b(key, digest_size=8).hexdigest()


class Marker:
    """Finds which of `phrases` ({token: terms}) a text's analysed terms hold."""

    def __init__(self, phrases):
        self.phrases = dict(phrases)
        # Phrases by their first two terms: a text's pairs of consecutive terms are a set
        # made in C, and most phrases are two terms, found when their pair is there.
        self._by_pair = {}
        for token, phrase in self.phrases.items():
            self._by_pair.setdefault(tuple(phrase[:2]), []).append(
                (token, len(phrase) > 2, f" {' '.join(phrase)} "))
        self._pairs = frozenset(self._by_pair)
        # Texts repeat from entry to entry (a scenario's names and keywords, a vendor's
        # name): what each was found to hold, for the last CACHED_TEXTS of them.
        self._cache = {}

    def __bool__(self):
        return bool(self.phrases)

    def marks(self, columns, head):
        """(marks, head marks) of an entry: the tokens of the phrases any of `columns` (name
        → analysed text) holds, separated by spaces; and those of the `head` columns, each
        as a tsvector lexeme with its positions and weight ("Mab12:3A,20B"), positions
        counted across the head columns as head_vector counts them."""
        heads = dict(head)
        found = {name: self.found(text, where=name in heads) for name, text in columns.items()}
        marks = " ".join(sorted(set().union(*found.values())))
        positions, offset = {}, 0
        for name, weight in head:
            for token, start in found[name].items():
                position = min(offset + start + 1, MAX_POSITION)
                positions.setdefault(token, []).append(f"{position}{weight}")
            offset += len(columns[name].split())
        head_marks = " ".join(f"{token}:{','.join(at)}" for token, at in sorted(positions.items()))
        return marks, head_marks

    def found(self, text, where=True):
        """{token: where the phrase first starts (its first term's index)} of the phrases
        `text` (analysed terms separated by single spaces) holds as consecutive terms; with
        `where` false, the values are not worked out (0)."""
        if not text:
            return {}
        key = (text, where)
        known = self._cache.get(key)
        if known is not None:
            return known
        if len(self._cache) >= CACHED_TEXTS:
            self._cache.clear()
        found = self._cache[key] = self._find(text, where)
        return found

    def _find(self, text, where):
        terms = text.split()
        present = self._pairs.intersection(pairwise(terms))
        if not present:
            return {}
        padded = f" {text} "
        found = {}
        for pair in present:
            for token, longer, phrase in self._by_pair[pair]:
                if not (longer or where):
                    found[token] = 0
                elif (at := padded.find(phrase)) >= 0:
                    found[token] = padded.count(" ", 0, at) if where else 0
        return found
