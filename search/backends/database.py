"""The database backend: SQLite FTS5 or PostgreSQL full text, behind one class.

Text is normalised in Python (search.analysis) before it is stored and before it is queried,
so both databases see the same terms and behave the same; each only contributes its own
matching and ranking (FTS5 bm25 with column weights; ts_rank over A/B/C-weighted lexemes).
Facets are rows of SearchFacet: a filter is an EXISTS subquery, counts are one GROUP BY.
"""

from django.db import DatabaseError, connections, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.db.models.expressions import RawSQL
from django.utils.dateparse import parse_datetime

from search import analysis
from search.index import FACET_NAMES, HIGHLIGHT_FIELDS, TEXT_FIELDS
from search.models import SearchEntry, SearchFacet

from .base import SearchBackend, SearchHit, SearchResults

SIMILAR_MAX_TERMS = 40
SUMMARY_FRAGMENT_CHARS = 200


class SqliteFullText:
    """FTS5 over the external-content table made by migration 0002."""

    def expression(self, clauses, operator):
        parts = []
        for clause in clauses:
            phrase = '"' + " ".join(t.replace('"', '""') for t in clause.terms) + '"'
            parts.append(f"{phrase} *" if clause.prefix else phrase)
        return f" {operator.upper()} ".join(parts)

    def matching_ids(self, expression):
        return "SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression]

    def ranked(self, expression):
        weights = ", ".join(str(float(field.weight)) for field in TEXT_FIELDS)
        # bm25() is lower for better matches; negated so that higher is better everywhere.
        return (
            f"SELECT rowid AS entry_id, -bm25(search_fts, {weights}) AS score "  # noqa: S608
            "FROM search_fts WHERE search_fts MATCH %s",
            [expression],
        )


class PostgresFullText:
    """tsquery against the generated, weighted search_vector column made by migration 0002."""


    @staticmethod
    def _lexeme(term):
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    def expression(self, clauses, operator):
        parts = []
        for clause in clauses:
            lexemes = [self._lexeme(term) for term in clause.terms]
            if clause.prefix:
                lexemes[-1] += ":*"
            part = " <-> ".join(lexemes)
            parts.append(f"({part})" if clause.is_phrase else part)
        return f" {'&' if operator == 'and' else '|'} ".join(parts)

    def matching_ids(self, expression):
        return (
            "SELECT solution_id FROM search_searchentry WHERE search_vector @@ %s::tsquery",
            [expression],
        )

    def ranked(self, expression):
        return (
            # ts_rank weights for classes {D, C, B, A}: C holds the weight-1 fields, B weight 2,
            # A weight 3 (see search.index.TEXT_FIELDS); D is unused.
            "SELECT solution_id AS entry_id, "
            "ts_rank('{0.1, 0.3333, 0.6667, 1.0}'::float4[], search_vector, %s::tsquery) AS score "
            "FROM search_searchentry WHERE search_vector @@ %s::tsquery",
            [expression, expression],
        )


FULL_TEXT_BY_VENDOR = {"sqlite": SqliteFullText, "postgresql": PostgresFullText}


def entry_from_document(doc):
    columns = {
        field.column: " ".join(
            filter(None, (analysis.terms(doc.get(source) or "") for source in field.sources))
        )
        for field in TEXT_FIELDS
    }
    published_at = parse_datetime(doc["published_at"]) if doc.get("published_at") else None
    return SearchEntry(
        solution_id=doc["id"],
        source=doc,
        version=doc.get("version", ""),
        published_at=published_at,
        **columns,
    )


def facets_from_document(doc):
    return [
        SearchFacet(entry_id=doc["id"], facet=name, value=str(value))
        for name in FACET_NAMES
        for value in dict.fromkeys(doc.get(name) or ())
    ]


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self, using="default"):
        self.using = using

    @property
    def full_text(self):
        vendor = connections[self.using].vendor
        try:
            return FULL_TEXT_BY_VENDOR[vendor]()
        except KeyError:
            raise NotImplementedError(f"No database search for {vendor}") from None

    def _entries(self):
        return SearchEntry.objects.using(self.using)

    # Writing

    def index(self, docs):
        docs = list({doc["id"]: doc for doc in docs}.values())
        if not docs:
            return
        ids = [doc["id"] for doc in docs]
        with transaction.atomic(using=self.using):
            # Replace rather than update: the FTS5 triggers and the generated tsvector follow
            # inserts and deletes alike, and facets are rewritten whole.
            SearchFacet.objects.using(self.using).filter(entry_id__in=ids).delete()
            self._entries().filter(pk__in=ids).delete()
            self._entries().bulk_create([entry_from_document(doc) for doc in docs])
            SearchFacet.objects.using(self.using).bulk_create(
                [facet for doc in docs for facet in facets_from_document(doc)]
            )

    def delete(self, ids):
        ids = [int(pk) for pk in ids]
        if ids:
            with transaction.atomic(using=self.using):
                SearchFacet.objects.using(self.using).filter(entry_id__in=ids).delete()
                self._entries().filter(pk__in=ids).delete()

    def clear(self):
        with transaction.atomic(using=self.using):
            SearchFacet.objects.using(self.using).all().delete()
            self._entries().all().delete()

    def rebuild(self, batches):
        # Readers keep seeing the old index until the new one is complete.
        with transaction.atomic(using=self.using):
            return super().rebuild(batches)

    # Reading

    def ping(self):
        try:
            with connections[self.using].cursor() as cursor:
                cursor.execute("SELECT 1 FROM search_searchentry LIMIT 1")
            return True
        except DatabaseError:
            return False

    def indexed_versions(self):
        return dict(self._entries().values_list("pk", "version"))

    def count(self):
        return self._entries().count()

    def _filtered(self, filters, exclude_ids=(), text_ids=None):
        qs = self._entries()
        for facet, values in filters.items():
            qs = qs.filter(
                Exists(
                    SearchFacet.objects.filter(
                        entry=OuterRef("pk"), facet=facet, value__in=values
                    )
                )
            )
        if exclude_ids:
            qs = qs.exclude(pk__in=exclude_ids)
        if text_ids is not None:
            # Fixed SQL from the full-text classes; the query text is a parameter.
            qs = qs.filter(pk__in=RawSQL(*text_ids))  # noqa: S611
        return qs

    def search(self, query):
        clauses = analysis.parse_query(query.text, any_word=query.operator == "or")
        full_text = self.full_text if clauses else None
        expression = full_text.expression(clauses, query.operator) if clauses else None
        text_ids = full_text.matching_ids(expression) if clauses else None

        matching = self._filtered(query.filters, query.exclude_ids, text_ids)
        total = matching.count()
        if clauses:
            ranked = self._ranked_page(
                full_text.ranked(expression),
                self._filtered(query.filters, query.exclude_ids),
                sort=query.sort,
                limit=query.page_size,
                offset=query.offset,
            )
        else:
            ids = matching.order_by(F("published_at").desc(nulls_last=True), "-pk").values_list(
                "pk", flat=True
            )[query.offset : query.offset + query.page_size]
            ranked = [(pk, 0.0) for pk in ids]
        highlights = self._highlights([pk for pk, _ in ranked], clauses)
        return SearchResults(
            hits=[SearchHit(id=pk, score=score, highlight=highlights.get(pk, {}))
                  for pk, score in ranked],
            total=total,
            facets=(self._facet_counts(query, text_ids) if query.with_facets
                    else self.empty_facets()),
            query=query,
            backend=self.name,
        )

    def _ranked_page(self, ranked_sql, candidates, *, sort, limit, offset):
        """(id, score) pairs of one page: text matches among `candidates`, best first."""
        ranked, ranked_params = ranked_sql
        candidates_sql, candidates_params = candidates.values("pk").query.sql_with_params()
        order = "m.score DESC, " if sort == "relevance" else ""
        # MATERIALIZED: ranking runs once over the text matches. Flattened into the outer
        # query, SQLite evaluated bm25() far more often (2 s instead of 8 ms for an OR of
        # 40 terms over 2,000 solutions; see bench/search_latency.py).
        sql = (
            f"WITH m AS MATERIALIZED ({ranked}) "  # noqa: S608 - user text is a param
            "SELECT m.entry_id, m.score FROM m "
            "JOIN search_searchentry e ON e.solution_id = m.entry_id "
            f"WHERE m.entry_id IN ({candidates_sql}) "
            f"ORDER BY {order}e.published_at DESC NULLS LAST, e.solution_id DESC "
            "LIMIT %s OFFSET %s"
        )
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, [*ranked_params, *candidates_params, limit, offset])
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]

    def _highlights(self, ids, clauses):
        if not ids or not clauses:
            return {}
        sources = dict(self._entries().filter(pk__in=ids).values_list("pk", "source"))
        result = {}
        for pk, source in sources.items():
            marked = {}
            for name in HIGHLIGHT_FIELDS:
                fragment = SUMMARY_FRAGMENT_CHARS if name.startswith("summary") else None
                html = analysis.highlight(source.get(name) or "", clauses,
                                          fragment_chars=fragment)
                if html:
                    marked[name] = html
            result[pk] = marked
        return result

    def _facet_counts(self, query, text_ids):
        """Counts per facet value. Unselected facets are counted in one query over the full
        selection; each selected facet in its own query, over the selection of the others."""
        counts = self.empty_facets()
        facets = SearchFacet.objects.using(self.using)
        unselected = [name for name in FACET_NAMES if name not in query.filters]
        groups = [(unselected, self._filtered(query.filters, query.exclude_ids, text_ids))]
        for name in query.filters:
            groups.append(
                ([name], self._filtered(query.filters_except(name), query.exclude_ids, text_ids))
            )
        for names, entries in groups:
            if not names:
                continue
            rows = (
                facets.filter(entry__in=entries.values("pk"), facet__in=names)
                .values_list("facet", "value")
                .annotate(n=Count("pk"))
                .order_by()
            )
            for facet, value, n in rows:
                counts[facet][value] = n
        return counts

    def more_like_this(self, solution_id, limit=5):
        texts = (
            self._entries()
            .filter(pk=solution_id)
            .values_list("title_terms", "summary_terms", "scenarios_terms")
            .first()
        )
        if not texts:
            return []
        terms = list(dict.fromkeys(" ".join(texts).split()))[:SIMILAR_MAX_TERMS]
        if not terms:
            return []
        full_text = self.full_text
        expression = full_text.expression([analysis.Clause((t,)) for t in terms], "or")
        ranked = self._ranked_page(
            full_text.ranked(expression),
            self._entries().exclude(pk=solution_id),
            sort="relevance",
            limit=limit,
            offset=0,
        )
        return [SearchHit(id=pk, score=score) for pk, score in ranked]
