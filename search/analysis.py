"""Language handling shared by the database backends: the same normalisation for the indexed
text and for the query, so SQLite FTS5 and PostgreSQL see identical terms.

- CJK runs become overlapping character bigrams (预测性维护 → 预测 测性 性维 维护), the way
  Elasticsearch's `cjk` analyzer does it: any two-character word is findable without a
  dictionary, and a longer word is found as the phrase of its bigrams.
- Other words are lower-cased, stripped of diacritics and reduced by a light English stemmer
  (scheduling, scheduled, schedules → schedul).
- Mixed text (MES系统) splits at the script boundary: `mes` and `系统`.
"""

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

STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into",
    "is", "of", "on", "our", "that", "the", "their", "this", "to", "was", "we", "were", "which",
    "with", "your",
})


@dataclass(frozen=True)
class Token:
    term: str
    start: int  # offsets in the original text, for highlighting
    end: int
    is_cjk: bool


@dataclass(frozen=True)
class Clause:
    """One unit of a query that must match: a single term, a phrase of consecutive terms (a
    CJK run's bigrams, or a quoted phrase), or a prefix (a lone CJK character)."""

    terms: tuple[str, ...]
    prefix: bool = False

    @property
    def is_phrase(self):
        return len(self.terms) > 1


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


def tokenize(text):
    """Tokens of `text` with their offsets in `text`."""
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
            tokens.append(Token(stem(word), origin[start], origin[end - 1] + 1, False))
    return tokens


def terms(text):
    """The indexed form of `text`: its terms separated by spaces."""
    return " ".join(token.term for token in tokenize(text))


_QUOTED = re.compile(r'"([^"]*)"')


def parse_query(text, *, any_word=False):
    """The clauses of a search box query. A CJK run is the phrase of its bigrams; a lone CJK
    character is a prefix of a bigram; a quoted "two words" is a phrase.

    With `any_word` (a query whose clauses are OR-ed, like a need's description), each bigram
    of a CJK run is a clause of its own: Chinese prose has no spaces, and a sentence-long
    phrase would match nothing."""
    if not text:
        return []
    clauses, seen = [], set()

    def add(clause):
        if clause.terms and clause not in seen:
            seen.add(clause)
            clauses.append(clause)

    def add_unquoted(part):
        for match in _RUN.finditer("".join(_fold(c) for c in part)):
            run_tokens = tokenize(match.group(0))
            if match.group(1):
                prefix = len(match.group(1)) == 1
                if any_word:
                    for token in run_tokens:
                        add(Clause((token.term,), prefix=prefix))
                else:
                    add(Clause(tuple(t.term for t in run_tokens), prefix=prefix))
            else:
                for token in run_tokens:
                    add(Clause((token.term,)))

    position = 0
    for quoted in _QUOTED.finditer(text):
        add_unquoted(text[position : quoted.start()])
        add(Clause(tuple(t.term for t in tokenize(quoted.group(1)))))
        position = quoted.end()
    add_unquoted(text[position:].replace('"', " "))
    return clauses[:MAX_CLAUSES]


def highlight(text, clauses, *, fragment_chars=None):
    """`text` as HTML with the words matching `clauses` in <mark>, or "" when nothing matches.
    With `fragment_chars`, only a window of about that many characters around the first hit."""
    if not text or not clauses:
        return ""
    exact = {term for clause in clauses if not clause.prefix for term in clause.terms}
    prefixes = tuple(term for clause in clauses if clause.prefix for term in clause.terms)
    spans = []
    for token in tokenize(text):
        if token.term in exact or (prefixes and token.term.startswith(prefixes)):
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
