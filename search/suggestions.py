"""Suggestions while a reader types: scenarios, vendors and solutions whose names start with
(or, in Chinese, contain) what has been typed so far, in either language.

Solutions and vendors are rows of SearchSuggestion, kept in step with the index by
search.services, with a full-text structure of their own (migration 0004: FTS5 on SQLite, a
GIN-indexed tsvector on PostgreSQL) queried by prefix. They live in the database whatever the
search backend: the table is small, and a suggestion must come back faster than a round trip
to a cluster would allow. Scenarios are the taxonomy's 40, matched in memory.

Matching (search.analysis.parse_prefix_query): every word typed must start a word of the
name, the last one may be half typed ("predictive mainte" → Predictive maintenance …); a
Chinese run must appear in the name ("预测性维" → 数控机床预测性维护平台), a lone Chinese
character must start a two-character word of it.
"""

from dataclasses import dataclass

from django.db import connections, transaction
from django.db.models import Count
from django.utils.translation import get_language

from . import analysis
from .backends.database import insert_rows
from .backends.full_text import full_text_for
from .models import SearchSuggestion

LIMIT = 5
COLUMNS = ("kind", "object_id", "vendor_id", "label_en", "label_zh", "terms", "weight")
MAX_LIMIT = 10
# Shorter Latin input matches too much of the catalog to be a useful suggestion.
MIN_LATIN_CHARS = 2
Kind = SearchSuggestion.Kind


@dataclass(frozen=True)
class Suggestion:
    kind: str  # scenario, vendor or solution
    key: str  # the scenario code, or the vendor's or solution's id
    label_en: str
    label_zh: str

    @property
    def label(self):
        """The label in the reader's language, the other one when it has none."""
        if (get_language() or "en").startswith("zh"):
            return self.label_zh or self.label_en
        return self.label_en or self.label_zh


def _terms(*texts):
    """The unstemmed terms of these texts (a half-typed word has no stem yet), as the
    tokenizer gives them, without its offsets: a rebuild computes them for every solution."""
    return " ".join(filter(None, (analysis.terms(text, stemmed=False) for text in texts)))


# Writing


def sync(docs):
    """Add or replace the suggestion rows of these solution documents (search.index) and
    refresh their vendors' rows."""
    docs = list({doc["id"]: doc for doc in docs}.values())
    if not docs:
        return
    ids = [doc["id"] for doc in docs]
    rows = SearchSuggestion.objects.filter(kind=Kind.SOLUTION)
    with transaction.atomic():
        touched = set(rows.filter(object_id__in=ids).values_list("vendor_id", flat=True))
        rows.filter(object_id__in=ids).delete()
        fill(docs)
        refresh_vendors(touched | {doc.get("vendor_id") for doc in docs})


def fill(docs):
    """Write the rows of solution documents that have none (a rebuild, after clear()); their
    vendors' rows are refresh_all_vendors'."""
    insert_rows(SearchSuggestion, COLUMNS, [
        (Kind.SOLUTION, doc["id"], doc.get("vendor_id"), doc.get("title_en", "")[:200],
         doc.get("title_zh", "")[:200], _terms(doc.get("title_en"), doc.get("title_zh")),
         _timestamp(doc.get("published_at")))
        for doc in docs
    ])


def remove(solution_ids):
    """Drop the rows of these solutions and refresh their vendors' rows."""
    rows = SearchSuggestion.objects.filter(kind=Kind.SOLUTION, object_id__in=list(solution_ids))
    with transaction.atomic():
        vendors = set(rows.values_list("vendor_id", flat=True))
        rows.delete()
        refresh_vendors(vendors)


def refresh_vendors(vendor_ids):
    """A vendor is suggested while it has solutions in the index, under its current names."""
    from accounts.models import Organization

    vendor_ids = {pk for pk in vendor_ids if pk is not None}
    if not vendor_ids:
        return
    counts = dict(
        SearchSuggestion.objects.filter(kind=Kind.SOLUTION, vendor_id__in=vendor_ids)
        .values_list("vendor_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    SearchSuggestion.objects.filter(kind=Kind.VENDOR, object_id__in=vendor_ids).delete()
    insert_rows(SearchSuggestion, COLUMNS, [
        (Kind.VENDOR, pk, None, name[:200], name_zh[:200], _terms(name, name_zh), counts[pk])
        for pk, name, name_zh in Organization.objects.filter(pk__in=counts)
        .values_list("pk", "name", "name_zh")
    ])


def clear():
    SearchSuggestion.objects.all().delete()


def refresh_all_vendors():
    """Every vendor row afresh from the solution rows (the end of a rebuild)."""
    SearchSuggestion.objects.filter(kind=Kind.VENDOR).delete()
    refresh_vendors(SearchSuggestion.objects.filter(kind=Kind.SOLUTION)
                    .values_list("vendor_id", flat=True).distinct())


def _timestamp(value):
    from django.utils.dateparse import parse_datetime

    moment = parse_datetime(value) if value else None
    return moment.timestamp() if moment else 0.0


# Reading


def _worth_asking(clauses):
    if not clauses:
        return False
    typed = "".join(term for clause in clauses for term in clause.terms)
    return analysis.has_cjk(typed) or len(typed) >= MIN_LATIN_CHARS


def _rows(kind, clauses, limit, using="default"):
    connection = connections[using]
    expression = full_text_for(using).expression(clauses, "and")
    if connection.vendor == "sqlite":
        sql = (
            "SELECT s.kind, s.object_id, s.label_en, s.label_zh "
            "FROM search_suggestion_fts f JOIN search_searchsuggestion s ON s.id = f.rowid "
            "WHERE search_suggestion_fts MATCH %s AND s.kind = %s "
            "ORDER BY s.weight DESC, s.object_id DESC LIMIT %s"
        )
    else:
        sql = (
            "SELECT kind, object_id, label_en, label_zh FROM search_searchsuggestion "
            "WHERE terms_vector @@ %s::tsquery AND kind = %s "
            "ORDER BY weight DESC, object_id DESC LIMIT %s"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, kind, limit])
        return [Suggestion(kind, str(pk), en, zh) for kind, pk, en, zh in cursor.fetchall()]


def _scenario_matches(clauses, limit):
    from catalog.models import Scenario

    found = []
    for scenario in Scenario.objects.only("code", "name_en", "name_zh", "keywords_en",
                                          "keywords_zh"):
        names = [scenario.code, scenario.name_en, scenario.name_zh]
        keywords = [*(scenario.keywords_en or []), *(scenario.keywords_zh or [])]
        in_name = _matches(clauses, names)
        if in_name or _matches(clauses, keywords):
            found.append((not in_name, scenario.code, scenario))
    found.sort(key=lambda item: item[:2])
    return [Suggestion("scenario", scenario.code, scenario.name_en, scenario.name_zh)
            for _, _, scenario in found[:limit]]


def _matches(clauses, texts):
    """Every clause matches one of the texts (names, keywords), as the full-text query would."""
    spelled = [f" {_terms(text)} " for text in texts if text]
    for clause in clauses:
        needle = " " + " ".join(clause.terms) + ("" if clause.prefix else " ")
        if not any(needle in text for text in spelled):
            return False
    return True


def suggest(text, limit=LIMIT):
    """{"scenarios": [...], "vendors": [...], "solutions": [...]} of Suggestions, at most
    `limit` of each: scenarios named like the text first, vendors with the most solutions
    first, the newest solutions first."""
    clauses = analysis.parse_prefix_query(text)
    empty = {"scenarios": [], "vendors": [], "solutions": []}
    if not _worth_asking(clauses):
        return empty
    limit = max(1, min(limit, MAX_LIMIT))
    return {
        "scenarios": _scenario_matches(clauses, limit),
        "vendors": _rows(Kind.VENDOR, clauses, limit),
        "solutions": _rows(Kind.SOLUTION, clauses, limit),
    }
