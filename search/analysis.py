"""Language handling shared by the database backends: the same normalisation for the indexed
text and for the query, so SQLite FTS5 and PostgreSQL see identical terms.

- CJK runs become overlapping character bigrams (预测性维护 → 预测 测性 性维 维护), the way
  Elasticsearch's `cjk` analyzer does it: any two-character word is findable without a
  dictionary, and a longer word is found as the phrase of its bigrams.
- Other words are lower-cased, stripped of diacritics and reduced by a light English stemmer
  (scheduling, scheduled, schedules → schedul).
- Mixed text (MES系统) splits at the script boundary: `mes` and `系统`.

Synonyms (MES ↔ 制造执行系统 ↔ manufacturing execution system) are expanded at query time:
a `SynonymTable` built from phrase groups (search.synonyms loads them from the taxonomy) turns
the words of a query that spell one phrase of a group into one clause matching any phrase of
the group. The indexed text is left as written.
"""

import dataclasses
import functools
import html
import re
import unicodedata
from dataclasses import dataclass

# Han (with extensions and compatibility ideographs), kana and hangul: scripts written without
# spaces between words, which get bigrams instead of words.
_CJK_CLASS = (
    "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002ffff"
)
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
_RUN = re.compile(f"([{_CJK_CLASS}]+)|([^\\W_{_CJK_CLASS}]+)")

# Function words only: with AND semantics a query word like "for" would otherwise have to
# appear in the text. "it" stays (IT/OT), as do "us", "or" and single letters.
# Longer "words" are codes or pasted noise, not something anyone searches for; PostgreSQL
# also refuses tsquery words beyond 2,047 bytes.
MAX_TERM_CHARS = 60
# A need's description can run to pages; its first distinct words say enough to find
# candidates, and a query of thousands of OR-ed terms would only be slow.
MAX_CLAUSES = 100
# In a query of any word (a need's title and description), a word written again is what the
# text is about ("missing parts" twice in a few lines); counted up to this many times, so a
# word repeated through a long text does not drown the others. Not in Chinese: a CJK clause is
# a bigram (or a phrase found inside a run), and its repeats count characters that different
# words share (生产 of 生产线 and 生产计划), not a word said again; counting them cost the
# plain search of Chinese needs 0.01 of nDCG@10 on the matching bench.
MAX_REPEATS = 3

STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "of", "on", "our", "that", "the", "their", "this", "to", "was", "we", "were", "which",
    "with", "your",
})


# Words that say nothing about a subject in prose, dropped from queries of any word (a need's
# description), where each word would otherwise select everything it appears in. A search box
# query keeps them: there every word must match, and its writer chose them.
PROSE_STOP_WORDS = frozenset({
    "about", "above", "after", "again", "against", "all", "almost", "also", "although", "always",
    "am", "among", "another", "any", "anyone", "anything", "around", "away", "back", "because",
    "been", "before", "being", "below", "between", "both", "but", "can", "cannot", "could", "did",
    "do", "does", "doing", "done", "down", "during", "each", "either", "else", "enough", "even",
    "ever", "every", "few", "get", "gets", "getting", "go", "goes", "going", "got", "had",
    "having", "he", "her", "here", "him", "his", "how", "however", "if", "just", "keep", "keeps",
    "kept", "know", "least", "less", "let", "like", "made", "make", "makes", "many", "may", "me",
    "might", "more", "most", "much", "must", "my", "near", "never", "no", "nobody", "none", "nor",
    "not", "nothing", "now", "off", "often", "once", "one", "only", "onto", "or", "other",
    "others", "ours", "out", "over", "own", "per", "perhaps", "put", "quite", "rather", "really",
    "said", "same", "say", "says", "see", "seem", "seems", "several", "shall", "she", "should",
    "since", "so", "some", "someone", "something", "sometimes", "still", "such", "take", "than",
    "then", "there", "these", "they", "thing", "things", "those", "though", "through", "thus",
    "too", "toward", "under", "until", "up", "upon", "us", "very", "want", "wants", "way", "well",
    "what", "whatever", "when", "where", "whether", "while", "who", "whole", "whom", "whose",
    "why", "will", "within", "without", "would", "yet", "you",
    # What an apostrophe leaves of a contraction or a possessive ("can't", "we'd", "a day's
    # drive"): the tokenizer splits at it, and a lone "t" or "s" would select every entry
    # holding the letter.
    "aren", "couldn", "d", "didn", "doesn", "don", "hadn", "hasn", "haven", "isn", "ll", "m",
    "re", "s", "shouldn", "t", "ve", "wasn", "weren", "wouldn",
    # How a writer tells the story, not what it is about: when, and who thought or asked what.
    "ask", "asked", "asks", "call", "called", "calls", "day", "days", "find", "finds", "found",
    "happen", "happened", "happens", "idea", "month", "months", "tell", "tells", "think",
    "thinks", "thought", "told", "tried", "tries", "try", "week", "weeks", "year", "years",
})
# "it" stays a word for the search box (IT/OT), but in prose it is the pronoun unless written
# in capitals: "swap it on a Sunday" is not about IT.
_PRONOUN_IT = re.compile(r"\b[Ii]t\b")


@dataclass(frozen=True)
class Token:
    term: str
    start: int  # offsets in the original text, for highlighting
    end: int
    is_cjk: bool


@dataclass(frozen=True)
class Clause:
    """One unit of a query that must match: a single term, a phrase of consecutive terms (a
    CJK run's bigrams, or a quoted phrase), or a prefix (a lone CJK character).

    `alternatives` are other phrases that satisfy the clause as well (its synonyms).
    `repeats`: how many times a query of any word says it (at most MAX_REPEATS); the scoring
    counts the clause that many times (BM25's query term frequency). Not part of what the
    clause is: two clauses of the same terms are equal whatever their repeats."""

    terms: tuple[str, ...]
    prefix: bool = False
    alternatives: tuple[tuple[str, ...], ...] = ()
    repeats: int = dataclasses.field(default=1, compare=False)

    @property
    def is_phrase(self):
        return len(self.terms) > 1

    @property
    def phrases(self):
        """The clause's own phrase first, then its synonyms."""
        return (self.terms, *self.alternatives)


_PROSE_STOP_TERMS = frozenset()  # filled below, once stem() is defined


def has_cjk(text):
    return bool(_CJK_CHAR.search(text or ""))


@functools.lru_cache(maxsize=20_000)
def _fold(char):
    """NFKC (full-width → half-width), lower case, and no diacritics outside CJK."""
    folded = unicodedata.normalize("NFKC", char).lower()
    if folded.isascii() or _CJK_CHAR.match(folded):
        return folded
    return "".join(c for c in unicodedata.normalize("NFKD", folded) if not unicodedata.combining(c))


def _folded_with_offsets(text):
    """The folded text and, for each of its characters, the index in the original text."""
    chars, origin = [], []
    for index, char in enumerate(text):
        for folded in _fold(char):
            chars.append(folded)
            origin.append(index)
    return "".join(chars), origin


def tokenize(text, *, stemmed=True):
    """Tokens of `text` with their offsets in `text`. Unstemmed words serve prefix matching
    (suggestions), where a half-typed word has no stem yet."""
    if not text:
        return []
    folded, origin = _folded_with_offsets(text)
    tokens = []
    for match in _RUN.finditer(folded):
        start, end = match.span()
        if match.group(1):
            run = match.group(1)
            if len(run) == 1:
                tokens.append(Token(run, origin[start], origin[start] + 1, True))
            for i in range(len(run) - 1):
                tokens.append(Token(run[i : i + 2], origin[start + i], origin[start + i + 1] + 1,
                                    True))
        else:
            word = match.group(2)
            if len(word) > MAX_TERM_CHARS or word in STOP_WORDS:
                continue
            tokens.append(Token(stem(word) if stemmed else word, origin[start],
                                origin[end - 1] + 1, False))
    return tokens


# Characters that _fold may change beyond NFKC and lower case: anything outside ASCII and CJK.
_NOT_PLAIN = re.compile(f"[^\\x00-\\x7f{_CJK_CLASS}]")


def _fold_text(text):
    """`text` folded as _fold folds each character, a whole string at a time (no offsets)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _NOT_PLAIN.sub(lambda m: _fold(m.group()), folded)


def terms(text, *, stemmed=True):
    """The indexed form of `text`: its terms separated by spaces (what tokenize gives, without
    the offsets, and fast enough to index 100,000 solutions)."""
    if not text:
        return ""
    out = []
    for match in _RUN.finditer(_fold_text(text)):
        run = match.group(1)
        if run:
            out.extend([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
        else:
            word = match.group(2)
            if len(word) <= MAX_TERM_CHARS and word not in STOP_WORDS:
                out.append(stem(word) if stemmed else word)
    return " ".join(out)


_QUOTED = re.compile(r'"([^"]*)"')


class SynonymTable:
    """Groups of equivalent phrases, normalised like the indexed text. A phrase is known by
    its terms: "Manufacturing execution systems" and "manufacturing execution system" are the
    same phrase (same stems); "制造执行系统" is the run of its bigrams."""

    def __init__(self, groups):
        self._alternatives = {}
        for group in groups:
            phrases = list(dict.fromkeys(
                key for key in (tuple(t.term for t in tokenize(p)) for p in group) if key
            ))
            for phrase in phrases:
                known = self._alternatives.setdefault(phrase, [])
                known.extend(other for other in phrases if other != phrase and other not in known)
        self._alternatives = {k: tuple(v) for k, v in self._alternatives.items() if v}
        self.longest = max((len(key) for key in self._alternatives), default=0)

    def __len__(self):
        return len(self._alternatives)

    def phrases(self):
        """Every phrase of every group, as its terms."""
        return list(self._alternatives)

    def alternatives(self, phrase):
        return self._alternatives.get(tuple(phrase), ())

    def match(self, terms, start):
        """(length, alternatives) of the longest phrase starting at terms[start]; (0, ())
        when none does."""
        for length in range(min(self.longest, len(terms) - start), 0, -1):
            found = self._alternatives.get(tuple(terms[start : start + length]))
            if found:
                return length, found
        return 0, ()


def _runs(text):
    """(is_cjk, run text, tokens) for each run of letters of `text` (a CJK run or a word)."""
    folded = "".join(_fold(c) for c in text)
    return [(bool(m.group(1)), m.group(0), tokenize(m.group(0))) for m in _RUN.finditer(folded)]


def _plain_clauses(runs, any_word):
    """The clauses of unquoted text without synonyms."""
    for is_cjk, run, tokens in runs:
        if is_cjk:
            prefix = len(run) == 1
            if any_word:
                for token in tokens:
                    yield Clause((token.term,), prefix=prefix)
            else:
                yield Clause(tuple(t.term for t in tokens), prefix=prefix)
        else:
            for token in tokens:
                yield Clause((token.term,))


def _cjk_rest(run, taken, any_word):
    """Clauses for the characters of a CJK run not consumed by a synonym: each stretch left
    becomes the phrase of its bigrams; a stretch of one character borrows a neighbour, so it
    stays a bigram of the text rather than a prefix."""
    stretches, start = [], None
    for i in range(len(run) + 1):
        free = i < len(run) and i not in taken
        if free and start is None:
            start = i
        elif not free and start is not None:
            stretches.append((start, i))
            start = None
    for begin, end in stretches:
        if end - begin == 1:
            begin, end = (begin - 1, end) if begin > 0 else (begin, end + 1)
        bigrams = tuple(run[i : i + 2] for i in range(begin, end - 1))
        if any_word:
            yield from (Clause((bigram,)) for bigram in bigrams)
        else:
            yield Clause(bigrams)


def _synonym_clauses(runs, any_word, synonyms):
    """The clauses of unquoted text, with the words that spell a synonym phrase (across
    words, or inside a CJK run) made one clause that any phrase of its group satisfies."""
    flat = []  # (term, run index, first character in the run, is_cjk)
    for index, (is_cjk, run, tokens) in enumerate(runs):
        if is_cjk and len(run) == 1:
            continue  # a lone character is a prefix, never part of a phrase
        for position, token in enumerate(tokens):
            flat.append((token.term, index, position if is_cjk else 0, is_cjk))
    terms_only = [item[0] for item in flat]
    matched, taken = {}, {}  # first flat index → (length, alternatives); run → characters
    i = 0
    while i < len(flat):
        length, alternatives = synonyms.match(terms_only, i)
        if length:
            matched[i] = (length, alternatives)
            for _term, run, first, is_cjk in flat[i : i + length]:
                if is_cjk:
                    taken.setdefault(run, set()).update((first, first + 1))
            i += length
        else:
            i += 1
    if not matched:
        return list(_plain_clauses(runs, any_word))

    clauses, i, done_runs = [], 0, set()
    consumed = {j for start, (length, _) in matched.items() for j in range(start, start + length)}
    while i < len(flat):
        term, run, first, is_cjk = flat[i]
        if i in matched:
            length, alternatives = matched[i]
            clauses.append(Clause(tuple(terms_only[i : i + length]), alternatives=alternatives))
            i += length
            continue
        if is_cjk:
            if run not in done_runs:
                done_runs.add(run)
                if run in taken:
                    clauses.extend(_cjk_rest(runs[run][1], taken[run], any_word))
                else:
                    clauses.extend(_plain_clauses([runs[run]], any_word))
        elif i not in consumed:
            clauses.append(Clause((term,)))
        i += 1
    # Lone CJK characters (prefixes) were left out of the phrase matching.
    clauses.extend(
        clause for is_cjk, run, tokens in runs if is_cjk and len(run) == 1
        for clause in _plain_clauses([(is_cjk, run, tokens)], any_word)
    )
    return clauses


def parse_query(text, *, any_word=False, synonyms=None):
    """The clauses of a search box query. A CJK run is the phrase of its bigrams; a lone CJK
    character is a prefix of a bigram; a quoted "two words" is a phrase (taken literally:
    no synonyms).

    With `any_word` (a query whose clauses are OR-ed, like a need's description), each bigram
    of a CJK run is a clause of its own: Chinese prose has no spaces, and a sentence-long
    phrase would match nothing. With a SynonymTable, words spelling a phrase of one of its
    groups become one clause with the group's other phrases as alternatives."""
    if not text:
        return []
    clauses, seen = [], {}

    def add(clause):
        if clause.terms:
            if clause not in seen:
                seen[clause] = 0
                clauses.append(clause)
            seen[clause] += 1

    def add_unquoted(part):
        runs = _runs(part)
        if synonyms:
            found = _synonym_clauses(runs, any_word, synonyms)
        else:
            found = _plain_clauses(runs, any_word)
        for clause in found:
            add(clause)

    if any_word:
        text = _PRONOUN_IT.sub(" ", text)
    position = 0
    for quoted in _QUOTED.finditer(text):
        add_unquoted(text[position : quoted.start()])
        add(Clause(tuple(t.term for t in tokenize(quoted.group(1)))))
        position = quoted.end()
    add_unquoted(text[position:].replace('"', " "))
    if any_word:
        clauses = [_repeated(clause, seen[clause]) for clause in clauses
                   if clause.alternatives or clause.prefix or len(clause.terms) > 1
                   or clause.terms[0] not in _PROSE_STOP_TERMS]
    return clauses[:MAX_CLAUSES]


def _repeated(clause, times):
    """`clause` said `times` in a query of any word (see MAX_REPEATS)."""
    if times == 1 or has_cjk(clause.terms[0]):
        return clause
    return dataclasses.replace(clause, repeats=min(times, MAX_REPEATS))


def parse_prefix_query(text):
    """The clauses of what someone is typing into a search box, for suggestions: whole words
    unstemmed, the last word a prefix (it may be half typed), CJK runs as phrases of their
    bigrams (any part of a Chinese name can be typed), a lone CJK character a prefix."""
    runs = []
    folded = "".join(_fold(c) for c in text or "")
    for m in _RUN.finditer(folded):
        runs.append((bool(m.group(1)), m.group(0), m.end() == len(folded.rstrip())))
    clauses = []
    for is_cjk, run, is_last in runs[:MAX_CLAUSES]:
        if is_cjk:
            tokens = tokenize(run, stemmed=False)
            clauses.append(Clause(tuple(t.term for t in tokens), prefix=len(run) == 1))
        elif len(run) <= MAX_TERM_CHARS:
            # Stop words count here: "the" may be the start of "thermal".
            clauses.append(Clause((run,), prefix=is_last))
    return list(dict.fromkeys(clauses))


def highlight(text, clauses, *, fragment_chars=None):
    """`text` as HTML with the words matching `clauses` in <mark>, or "" when nothing matches.
    With `fragment_chars`, only a window of about that many characters around the first hit.

    A phrase is marked where its terms follow one another, as it matches, not term by term: a
    clause whose alternatives include "shop-floor scheduling" marks that phrase, not every
    "shop" of the text."""
    if not text or not clauses:
        return ""
    tokens = tokenize(text)
    terms_at = [token.term for token in tokens]
    positions = {}
    for position, term in enumerate(terms_at):
        positions.setdefault(term, []).append(position)
    marked = set()
    for phrase in {phrase for clause in clauses if not clause.prefix for phrase in clause.phrases}:
        for start in positions.get(phrase[0], ()):
            if tuple(terms_at[start : start + len(phrase)]) == phrase:
                marked.update(range(start, start + len(phrase)))
    prefixes = tuple(term for clause in clauses if clause.prefix for term in clause.terms)
    spans = []
    for position, token in enumerate(tokens):
        if position in marked or (prefixes and token.term.startswith(prefixes)):
            if spans and token.start <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], token.end)
            else:
                spans.append([token.start, token.end])
    if not spans:
        return ""
    begin, end = 0, len(text)
    if fragment_chars and len(text) > fragment_chars:
        begin = max(0, spans[0][0] - fragment_chars // 4)
        end = min(len(text), begin + fragment_chars)
    parts, cursor = [], begin
    for start, stop in spans:
        if start >= end:
            break
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<mark>{html.escape(text[start:min(stop, end)])}</mark>")
        cursor = min(stop, end)
    parts.append(html.escape(text[cursor:end]))
    return ("…" if begin else "") + "".join(parts) + ("…" if end < len(text) else "")


# A light English stemmer: enough to unify the inflections and the common derivations of the
# catalog's vocabulary (schedule/scheduling, optimise/optimisation/optimization,
# predict/prediction/predictive, maintain/maintenance), not a full Porter stemmer. Index and
# query use the same one.
_VOWELS = set("aeiouy")
_DERIVATIONAL = (
    ("isations", "is"), ("izations", "iz"), ("isation", "is"), ("ization", "iz"),
    ("ations", "ate"), ("ation", "ate"), ("enance", "ain"),
    ("ments", ""), ("ment", ""),
    ("tions", "t"), ("tion", "t"), ("sions", "s"), ("sion", "s"),
    ("ives", ""), ("ive", ""),
)


def _has_vowel(word):
    return any(c in _VOWELS for c in word)


@functools.lru_cache(maxsize=100_000)
def stem(word):
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    for suffix, replacement in _DERIVATIONAL:
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 4 and _has_vowel(base):
            word = base + replacement
            break
    word = _strip_inflection(word)
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    if word.endswith(("iz", "yz")) and len(word) > 4:
        word = word[:-1] + "s"  # -ize/-ise and -yze/-yse spell the same stem
    return word


def _strip_inflection(word):
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "ches", "shes", "xes", "zzes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        base = word[: -len(suffix)]
        if word.endswith(suffix) and len(base) >= 3 and _has_vowel(base):
            word = base
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz" + "aeiou":
                word = word[:-1]  # planned → plan
            break
    return word


_PROSE_STOP_TERMS = frozenset(stem(word) for word in PROSE_STOP_WORDS)
