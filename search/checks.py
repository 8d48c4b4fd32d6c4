"""The near-duplicate pre-check: is a submission much like a solution already in the catalog?

It lives here because it needs the search index and catalog never imports search;
SearchConfig.ready() registers it into catalog.checks.

The candidates are the published solutions sharing the most LSH buckets of MinHash signatures
with the submission (search.signatures, kept with the index): a few indexed lookups, whatever
the size of the catalog. While the signatures do not cover the index (an index written before
them, until a rebuild) or cannot be read, the search backend finds the candidates instead
(the published solutions sharing the most words with the submission). The similarity figure
is computed here, the same way whatever found the candidates:
the Jaccard index of the two texts' sets of terms (words and CJK bigrams normalised by
search.analysis), i.e. the share of their distinct terms the two have in common. A backend's
relevance score depends on the backend and on the rest of the index, so it cannot say how
alike two texts are.

Only the languages both texts are written in are compared: an English-only copy of a
bilingual listing is as much a duplicate as a full copy."""

import logging
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_noop

from catalog.checks import CheckOutcome
from catalog.models import CheckResult, SolutionRevision

from . import analysis, signatures
from .backends import BackendUnavailable
from .index import plain_text
from .selectors import published_with_vendor, solutions_sharing_words
from .signatures import LANGUAGES

logger = logging.getLogger(__name__)

# How many candidates are compared, and how many named in the result.
CANDIDATES = 10
NAMED = 3


def _text(fields, name):
    value = fields.get(name) or ""
    return plain_text(value) if name.startswith("description") else value


@lru_cache(maxsize=8192)
def _terms(value, is_markdown):
    """The terms of one field's text. Remembered by text: the same published solutions are
    the candidates of submission after submission, and rendering their markdown and
    analysing it is most of this check's time."""
    text = plain_text(value) if is_markdown else value
    return frozenset(token.term for token in analysis.tokenize(text))


def terms_by_language(fields):
    """{language: set of terms} of a snapshot's (or a solution's) title, summary and
    description; descriptions are markdown and compared as the text a reader sees."""
    return {
        language: frozenset().union(
            *(_terms(fields.get(name) or "", name.startswith("description")) for name in names)
        )
        for language, names in LANGUAGES.items()
    }


def similarity(mine, theirs):
    """0 (nothing in common) to 1 (the same terms), over the languages both are written in."""
    shared = [language for language in LANGUAGES if mine[language] and theirs[language]]
    if not shared:
        return 0.0
    left = set().union(*(mine[language] for language in shared))
    right = set().union(*(theirs[language] for language in shared))
    return len(left & right) / len(left | right)


def _solution_fields(solution):
    return {name: getattr(solution, name) for names in LANGUAGES.values() for name in names}


def _signature_candidates(mine, solution_id):
    """The published solutions sharing the most signature buckets with the terms `mine`, or
    None when the signatures cannot say (not covering the index, or unreadable)."""
    try:
        # A savepoint of its own: a database error must not leave the transaction the
        # results are written in unusable (PostgreSQL).
        with transaction.atomic():
            if not signatures.available():
                return None
            ids = signatures.similar_ids(mine, exclude_id=solution_id, limit=CANDIDATES)
            solutions = published_with_vendor(ids)
    except DatabaseError as exc:
        logger.warning("near-duplicate check of solution %s could not read signatures: %s",
                       solution_id, exc)
        return None
    return [solutions[pk] for pk in ids if pk in solutions]


def _searched_candidates(content, solution_id):
    """The published solutions sharing the most words with the content, by the search
    backend. Raises BackendUnavailable or DatabaseError when it cannot answer."""
    query_text = "\n".join(
        _text(content, name) for names in zip(*LANGUAGES.values(), strict=True) for name in names
    )
    with transaction.atomic():
        hits = solutions_sharing_words(query_text, exclude_ids=(solution_id,), limit=CANDIDATES)
    return [solution for solution, _hit in hits]


def near_duplicate(subject, content):
    # The submitted content is never the indexed one (a draft is not indexed; a revision's
    # solution is, with its live content): it is compared by its text, never with itself.
    solution_id = subject.solution_id if isinstance(subject, SolutionRevision) else subject.pk
    threshold = settings.DUPLICATE_SIMILARITY_FLAG
    mine = terms_by_language(content)
    try:
        candidates = _signature_candidates(mine, solution_id)
        if candidates is None:
            candidates = _searched_candidates(content, solution_id)
    except (BackendUnavailable, DatabaseError) as exc:
        logger.warning("near-duplicate check of solution %s could not search: %s",
                       solution_id, exc)
        return CheckOutcome(
            code="near_duplicate",
            passed=False,
            severity=CheckResult.Severity.WARNING,
            message=gettext_noop("Could not check for near-duplicates: search is unavailable"),
            details={"error": str(exc)[:200], "threshold": threshold},
        )
    closest = sorted(
        (
            {
                "id": solution.pk,
                "title": solution.title,
                "vendor": str(solution.vendor),
                "similarity": round(similarity(mine, terms_by_language(
                    _solution_fields(solution))), 3),
            }
            for solution in candidates
        ),
        key=lambda item: (-item["similarity"], item["id"]),
    )[:NAMED]
    top = closest[0]["similarity"] if closest else 0.0
    flagged = top >= threshold
    return CheckOutcome(
        code="near_duplicate",
        passed=not flagged,
        severity=CheckResult.Severity.WARNING if flagged else CheckResult.Severity.OK,
        score=top,
        message=gettext_noop("Very similar to a solution in the catalog") if flagged
        else gettext_noop("No near-duplicate in the catalog"),
        details={"closest": closest, "threshold": threshold},
        flags_for_second_approval=flagged,
    )
