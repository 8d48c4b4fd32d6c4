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

# The largest position a tsvector holds.
MAX_POSITION = 16383


class Marker:
    """Finds which of `phrases` ({token: terms}) a text's analysed terms hold."""

    def __init__(self, phrases):
        self.phrases = dict(phrases)
        self._by_first = {}
        for token, phrase in self.phrases.items():
            self._by_first.setdefault(phrase[0], []).append((f" {' '.join(phrase)} ", token))
        self._firsts = frozenset(self._by_first)

    def __bool__(self):
        return bool(self.phrases)

    def marks(self, columns, head):
        """(marks, head marks) of an entry: the tokens of the phrases any of `columns` (name
        → analysed text) holds, separated by spaces; and those of the `head` columns, each
        as a tsvector lexeme with its positions and weight ("Mab12:3A,20B"), positions
        counted across the head columns as head_vector counts them."""
        found = {name: self.found(text) for name, text in columns.items()}
        marks = " ".join(sorted(set().union(*found.values())))
        positions, offset = {}, 0
        for name, weight in head:
            for token, start in found[name].items():
                position = min(offset + start + 1, MAX_POSITION)
                positions.setdefault(token, []).append(f"{position}{weight}")
            offset += len(columns[name].split())
        head_marks = " ".join(f"{token}:{','.join(at)}" for token, at in sorted(positions.items()))
        return marks, head_marks

    def found(self, text):
        """{token: where the phrase first starts (its first term's index)} of the phrases
        `text` (analysed terms separated by single spaces) holds as consecutive terms."""
        if not text:
            return {}
        present = self._firsts.intersection(text.split())
        if not present:
            return {}
        padded = f" {text} "
        found = {}
        for first in present:
            for phrase, token in self._by_first[first]:
                at = padded.find(phrase)
                if at >= 0:
                    found[token] = padded.count(" ", 0, at)
        return found
