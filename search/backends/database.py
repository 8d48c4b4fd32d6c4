"""The database backend: SQLite FTS5 or PostgreSQL full text, behind one class.

Text is normalised in Python (search.analysis) before it is stored and before it is queried,
so both databases see the same terms and behave the same; matching is each database's own
(search.backends.full_text), ranking is search.scoring's over term statistics kept with the
entries (search.statistics). Facets are rows of SearchFacet, held in memory
as bitmaps (search.bitmaps): filters, counts, totals and "newest first" are bit operations,
which keeps a faceted search of 100,000 solutions within milliseconds.
"""

import heapq
import json
from dataclasses import dataclass

from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search import analysis, bitmaps, scoring, statistics, synonyms
from search.index import (
    FACET_NAMES,
    LONG_TEXT_SOURCES,
    TEXT_FIELDS,
    text_terms,
    without_long_texts,
)
from search.marks import Marker, mark_token
from search.models import SearchEntry, SearchFacet, SearchMarkedPhrase, SearchTerm

from .base import SearchBackend, SearchHit, SearchResults, highlights
from .full_text import full_text_for
from .shadow import shadow_tables

SIMILAR_MAX_TERMS = 40
# Similar solutions are looked for among those sharing a scenario, then an industry; this
# many at most are ranked by their words.
SIMILAR_POOL = 2000
# Text matches within a selection up to this many are ranked by asking for those ids; beyond,
# every match is ranked and the selection kept in Python (one pass either way).
RANK_BY_IDS_LIMIT = 20_000
# A query of any word (a need's description) matches what any of its words matches. Its most
# common words would make it match most of the index, and ranking all of that costs more than
# they tell: its rarest words select the candidates (together in at most this share of the
# index, and at least MIN_SELECTING of them), all its words rank them.
SELECTING_SHARE = 0.15
MIN_SELECTING = 2
# Below this many entries ranking every match is cheap, and a share of a small index says
# little about a word: every word selects.
SELECTING_FROM_ENTRIES = 5000


TERM_COLUMNS = tuple(field.column for field in TEXT_FIELDS)
ENTRY_COLUMNS = ("solution_id", *TERM_COLUMNS, "source", "version", "published_at", "rating_avg",
                 "length", "indexed_at", "marks", "head_marks")
# The fields whose marks go into head_vector (PostgreSQL), with the weights of their words
# there (migration 0006).
HEAD_COLUMNS = (("title_terms", "A"), ("summary_terms", "B"))
# A text query's matches up to this many are all ranked by search.scoring; beyond, the
# engine's own ranking bounds them to its best RESCORED, which search.scoring then orders
# (ten pages of results; fetching and scoring 500 candidates cost 60 ms at 100,000).
RESCORE_ALL = 1000
RESCORED = 200
FACET_COLUMNS = ("entry_id", "facet", "value")
# Tables a rebuild writes whole: the index's, and the suggestions and signature bands written
# with it (search.services).
REBUILT_TABLES = ("search_searchentry", "search_searchfacet", "search_searchterm",
                  "search_searchsuggestion", "search_signatureband", "search_searchmarkedphrase")
INSERT_ROWS_PER_STATEMENT = 500
# Python types the driver takes as they are for columns of these kinds: what
# get_db_prep_save would give back unchanged (a str for text, an int, not a bool, for an
# integer).
PLAIN_VALUES = {"CharField": str, "TextField": str, "IntegerField": int,
                "BigIntegerField": int, "SmallIntegerField": int, "PositiveIntegerField": int,
                "PositiveBigIntegerField": int, "PositiveSmallIntegerField": int,
                "AutoField": int, "BigAutoField": int, "SmallAutoField": int}


def entry_row(doc, indexed_at, marker=None):
    """The values of ENTRY_COLUMNS for one document; its phrase marks (search.marks) when a
    `marker` is given."""
    columns = [
        " ".join(filter(None, (text_terms(doc.get(source) or "") for source in field.sources)))
        for field in TEXT_FIELDS
    ]
    published_at = parse_datetime(doc["published_at"]) if doc.get("published_at") else None
    length = sum(len(column.split()) for column in columns)
    marks = head_marks = ""
    if marker:
        marks, head_marks = marker.marks(dict(zip(TERM_COLUMNS, columns, strict=True)),
                                         HEAD_COLUMNS)
    return (doc["id"], *columns, doc, doc.get("version", ""), published_at, doc.get("rating_avg"),
            length, indexed_at, marks, head_marks)


def _json(value):
    """A jsonb value as the driver gives it: decoded, or its text."""
    return json.loads(value) if isinstance(value, str) else value


def row_terms(row):
    """The term columns of an entry_row."""
    return row[1 : 1 + len(TERM_COLUMNS)]


def facet_rows(doc):
    return [
        (doc["id"], name, str(value))
        for name in FACET_NAMES
        for value in dict.fromkeys(doc.get(name) or ())
    ]


def insert_rows(model, columns, rows, using="default"):
    """INSERT many rows of `model`, each value prepared by its field as the ORM would: COPY on
    PostgreSQL, multi-row INSERTs elsewhere. bulk_create does the same with a model instance
    per row, which costs more than the database's own work when a rebuild writes millions of
    rows."""
    rows = list(rows)
    if not rows:
        return
    connection = connections[using]
    fields = [_field_for(model, column) for column in columns]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(field.column) for field in fields)
    # Preparing a plain value changes nothing and, a million times over, costs a rebuild
    # more than writing it.
    plain = [PLAIN_VALUES.get(_stored_field(field).get_internal_type()) for field in fields]

    def prepared(row):
        return [value if type(value) is kind else field.get_db_prep_save(value, connection)
                for field, kind, value in zip(fields, plain, row, strict=True)]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                if all(kind in (int, str) for kind in plain):
                    # Lines of COPY's text format made here cost a fraction of a write_row
                    # each (a rebuild writes millions of facets and signature bands).
                    copy.write("".join([_copy_line(row) for row in rows]))
                    return
                for row in rows:
                    copy.write_row(prepared(row))
            return
        placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
        for start in range(0, len(rows), INSERT_ROWS_PER_STATEMENT):
            chunk = rows[start : start + INSERT_ROWS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {table} ({names}) VALUES "  # noqa: S608 - names from the model
                + ", ".join([placeholder] * len(chunk)),
                [value for row in chunk for value in prepared(row)],
            )


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_line(row):
    """A row of integers, text and nulls as a line of COPY's text format."""
    return "\t".join([
        "\\N" if value is None
        else value.translate(_COPY_ESCAPES) if type(value) is str else str(value)
        for value in row
    ]) + "\n"


def _stored_field(field):
    """The field whose values a column of `field` holds: for a relation, the one it points at
    (through a key that is itself a relation, as an index entry's key is its solution)."""
    while field.is_relation:
        field = field.target_field
    return field


def _field_for(model, column):
    for field in model._meta.concrete_fields:
        if field.column == column:
            return field
    raise LookupError(f"{model.__name__} has no column {column}")


def rarest_clauses(clauses, share):
    """The clauses of an any-word query that select its candidates: the rarest first (by
    `share`, a clause's share of the index), at least MIN_SELECTING of them, and no more once
    together they would match more than SELECTING_SHARE of the index. Every engine selects
    by this rule; each says how it knows the shares."""
    chosen, together = [], 0.0
    for clause in sorted(clauses, key=share):
        if len(chosen) >= MIN_SELECTING and together + share(clause) > SELECTING_SHARE:
            break
        chosen.append(clause)
        together += share(clause)
    return chosen


def selecting_clauses(clauses, stats):
    """rarest_clauses, with the shares estimated from how many entries hold the clauses'
    terms (search.scoring.Statistics)."""
    total = stats.entries or 1

    def share(clause):
        return sum(stats.holding(phrase) for phrase in clause.phrases) / total

    return rarest_clauses(clauses, share)


@dataclass(frozen=True)
class TextQuery:
    """The words of a query: its clauses (search.analysis), the engine's expression ranking
    them, and the one selecting its matches (the same, or its rarest clauses)."""

    clauses: list
    expression: str
    match: str
    # [(id, engine rank)] of the matches the engine ranked while finding them (an
    # unrestricted query's, see search()), or None.
    ranks: list | None = None


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self, using="default"):
        self.using = using

    @property
    def full_text(self):
        return full_text_for(self.using)

    def _entries(self):
        return SearchEntry.objects.using(self.using)

    # Writing: every write records itself for the bitmaps of every process (search.bitmaps).

    def index(self, docs, *, replace=True, counting=None, marker=None):
        """Write these documents' entries; `counting` (a rebuild's statistics.Counting)
        gathers their term counts instead of applying them one write at a time; `marker`
        (a rebuild's) marks their phrases, by default the phrases _marker gives."""
        docs = list({doc["id"]: doc for doc in docs}.values())
        if not docs:
            return
        ids = [doc["id"] for doc in docs]
        now = timezone.now()
        with transaction.atomic(using=self.using):
            marker = marker if marker is not None else self._marker()
            rows = [entry_row(doc, now, marker) for doc in docs]
            removed = ()
            if replace:
                # Replace rather than update: the FTS5 triggers and the generated vectors
                # follow inserts and deletes alike, and facets are rewritten whole.
                removed = self._term_rows(ids)
                SearchFacet.objects.using(self.using).filter(entry_id__in=ids).delete()
                self._entries().filter(pk__in=ids).delete()
            insert_rows(SearchEntry, ENTRY_COLUMNS, rows, self.using)
            insert_rows(SearchFacet, FACET_COLUMNS,
                        [row for doc in docs for row in facet_rows(doc)], self.using)
            if counting is not None:
                counting.add(map(row_terms, rows))
            else:
                statistics.apply(self.using, removed, map(row_terms, rows))
            if replace:
                bitmaps.record_change(self.using, ids)

    def _marker(self, *, stored=True):
        """The Marker of the phrases this database's entries carry marks of (search.marks):
        on PostgreSQL, the synonym groups' phrases of several terms, and (`stored`) those the
        last rebuild marked, which queries rely on whatever the synonyms are now. None
        elsewhere: FTS5 keeps positions."""
        if connections[self.using].vendor != "postgresql":
            return None
        phrases = dict(synonyms.marked_phrases())
        if stored:
            for token, phrase in SearchMarkedPhrase.objects.using(self.using).values_list(
                    "token", "phrase"):
                phrases.setdefault(token, tuple(phrase.split()))
        return Marker(phrases)

    def _term_rows(self, ids):
        """The term columns of the entries of these ids that exist (a write takes their
        counts off before replacing them)."""
        return list(self._entries().filter(pk__in=ids).values_list(*TERM_COLUMNS))

    def delete(self, ids):
        ids = [int(pk) for pk in ids]
        if ids:
            with transaction.atomic(using=self.using):
                statistics.apply(self.using, removed=self._term_rows(ids))
                SearchFacet.objects.using(self.using).filter(entry_id__in=ids).delete()
                self._entries().filter(pk__in=ids).delete()
                bitmaps.record_change(self.using, ids)

    def clear(self, *, record=True):
        # Plain DELETEs: the ORM's cascade would first read every entry back.
        connection = connections[self.using]
        with transaction.atomic(using=self.using), connection.cursor() as cursor:
            for model in (SearchFacet, SearchEntry, SearchMarkedPhrase):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's own table
            statistics.reset(self.using)
            if record:
                bitmaps.record_change(self.using, reset=True)

    def rebuild(self, batches, live_ids=None):
        # Readers keep seeing the old index until the new one is complete: on PostgreSQL the
        # rebuilt tables are written afresh and swapped in at the end (search.backends.shadow),
        # elsewhere rewritten in this transaction. The index starts empty, so nothing is
        # deleted per batch; one change (a reset) is recorded, once all is written.
        with transaction.atomic(using=self.using):
            with shadow_tables(self.using, REBUILT_TABLES):
                self.clear(record=False)
                total = 0
                counting = statistics.Counting()
                # Every entry is marked with the phrases of now, and queries rely on those
                # once the rebuild is in (a reset reloads each process's bitmaps).
                marker = self._marker(stored=False) or Marker({})
                for docs in batches:
                    self.index(docs, replace=False, counting=counting, marker=marker)
                    total += len(docs)
                insert_rows(SearchTerm, ("term", "entries"), counting.rows(), self.using)
                insert_rows(SearchMarkedPhrase, ("token", "phrase"),
                            [(token, " ".join(phrase))
                             for token, phrase in sorted(marker.phrases.items())], self.using)
            bitmaps.record_change(self.using, reset=True)
            return total

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

    def documents(self, ids, *, long_texts=True):
        ids = [int(pk) for pk in ids]
        if long_texts or connections[self.using].vendor != "postgresql":
            docs = self._entries().filter(pk__in=ids).values_list("pk", "source")
            return {pk: doc if long_texts else without_long_texts(doc) for pk, doc in docs}
        # Left out by the server: half the bytes sent and parsed (a need's candidates took
        # 8.4 ms with them and 3.7 ms without, 80 documents at 100,000).
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT solution_id, source - %s::text[] FROM search_searchentry "
                           "WHERE solution_id = ANY(%s)", [list(LONG_TEXT_SOURCES), ids])
            return {pk: _json(doc) for pk, doc in cursor.fetchall()}

    def count(self):
        return self._entries().count()

    def search(self, query):
        maps = bitmaps.current(self.using)
        clauses = synonyms.query_clauses(query.text, any_word=query.operator == "or")
        base = maps.alive
        if query.exclude_ids:
            base &= ~maps.of_ids(query.exclude_ids)
        text = None
        if clauses:
            full_text = self.full_text
            # Phrases the index marks are found (and ranked) by their marks (search.marks).
            expression = match = full_text.expression(clauses, query.operator, maps.marked)
            matching = clauses
            if query.operator == "or" and maps.alive.bit_count() >= SELECTING_FROM_ENTRIES:
                selecting = selecting_clauses(clauses, self._statistics(maps, clauses))
                if len(selecting) < len(clauses):
                    match = full_text.expression(selecting, "or", maps.marked)
                    matching = selecting
            phrases_first = self._mostly_phrases(maps, matching)
            if self._countless(query, maps, matching, phrases_first):
                page = self._best_ranked(maps, query, TextQuery(clauses, expression, match))
                if page is not None:
                    return self._results(query, page, clauses, None, self.empty_facets())
            if (query.sort == "relevance" and not (query.filters or query.exclude_ids)
                    and full_text.ranks_while_matching(phrases_first)):
                # Every match may need the engine's rank (more than RESCORE_ALL of them):
                # asked for while finding them, in the same pass.
                found = full_text.matching_ranked(expression, match, phrases_first)
                matched = [pk for pk, _ in found]
                text = TextQuery(clauses, expression, match,
                                 [(pk, rank) for pk, rank in found if rank is not None])
            else:
                matched = full_text.matching_ids(match, phrases_first)
                text = TextQuery(clauses, expression, match)
            base &= maps.of_ids(matched)
        parts = {name: maps.any_of(name, values) for name, values in query.filters.items()}
        selection = base
        for bits in parts.values():
            selection &= bits
        restricted = bool(parts or query.exclude_ids)
        page = self._page(maps, query, text, selection, restricted)
        return self._results(query, page, clauses, selection.bit_count(),
                             (self._facet_counts(maps, base, parts) if query.with_facets
                              else self.empty_facets()))

    def _results(self, query, page, clauses, total, facets):
        marked = self._highlights([pk for pk, _ in page], clauses) if query.with_highlights else {}
        return SearchResults(
            hits=[SearchHit(id=pk, score=score, highlight=marked.get(pk, {}))
                  for pk, score in page],
            total=total, facets=facets, query=query, backend=self.name)

    def _countless(self, query, maps, clauses, phrases_first):
        """Whether the query's matches need not be found one by one: no total, facets or
        selection asked for, and so many entries hold one of the words that the engine's
        ranking bounds the candidates whatever the rest match (see _ranked). The best page
        then comes from that ranking alone (_best_ranked), without reading every match's
        row: 10 to 17 ms of a need's 50 at 100,000."""
        if (query.with_total or query.with_facets or query.filters or query.exclude_ids
                or query.sort != "relevance" or not self.full_text.ranks_by_ids
                or self.full_text.ranks_while_matching(phrases_first)):
            return False
        stats = self._statistics(maps, clauses)
        # A word's entry count is exact; the margin leaves room for entries gone from the
        # bitmaps but not yet from the counts.
        held = max((stats.frequencies.get(phrase[0], 0) for clause in clauses if not clause.prefix
                    for phrase in clause.phrases if len(phrase) == 1), default=0)
        return held > 2 * RESCORE_ALL

    def _best_ranked(self, maps, query, text):
        """The page asked for, from the engine's best RESCORED as _ranked orders them, or
        None when fewer of them score than the page needs (the rest of the page would be the
        newest other matches, which only finding every match tells). The selection is every
        live entry, unrestricted: more than RESCORE_ALL, as _countless found."""
        ranked, scores = self._ranked(maps, text, maps.alive, restricted=False)
        wanted = ranked[query.offset : query.offset + query.page_size]
        if len(wanted) < query.page_size:
            return None
        return [(pk, scores[pk]) for pk in wanted]

    def _mostly_phrases(self, maps, clauses):
        """Whether more of the entries these clauses may match hold only the words of their
        phrases (the engine must then check the words' positions) than hold a single-word
        alternative or a marked phrase (search.marks), by how many entries hold each term
        (search.statistics). See PostgresFullText._matches."""
        phrases = [phrase for clause in clauses for phrase in clause.phrases]

        def checked(phrase):  # a phrase whose positions the engine must read
            return len(phrase) > 1 and mark_token(tuple(phrase)) not in maps.marked

        if not any(map(checked, phrases)):
            return False
        stats = self._statistics(maps, clauses)
        held = {True: 0, False: 0}  # checked or not → entries at most
        for phrase in phrases:
            held[checked(phrase)] += stats.holding(phrase)
        return held[True] > held[False]

    def _statistics(self, maps, clauses):
        return statistics.for_clauses(self.using, maps, clauses)

    def _page(self, maps, query, text, selection, restricted=True):
        """(id, score) pairs of the page asked for; `text` is the TextQuery or None;
        `restricted` when the selection is narrower than the text's matches."""
        limit, offset = query.page_size, query.offset
        if text is None or query.sort == "newest":
            if query.sort == "rating":
                return [(pk, 0.0) for pk in maps.best_rated(selection, limit, offset)]
            return [(pk, 0.0) for pk in maps.newest(selection, limit, offset)]
        ranked, scores = self._ranked(maps, text, selection, restricted)
        order = {pk: position for position, pk in enumerate(ranked)}
        if query.sort == "rating":
            ratings = {maps.ids[position]: rating for position, rating in maps.ratings.items()}
            ranked.sort(key=lambda pk: (ratings.get(pk) is None, -ratings.get(pk, 0),
                                        order[pk]))
            ranked = ranked[: offset + limit]
        chosen = ranked[offset : offset + limit]
        if len(chosen) < limit:
            # Entries left unranked (beyond the engine's bound, or sharing no word of the
            # query) follow, newest first.
            rest = selection & ~maps.of_ids(ranked)
            skip = max(0, offset - len(ranked))
            if query.sort == "relevance" and selection.bit_count() > RESCORE_ALL:
                # Bounded by the engine, which on PostgreSQL ranks titles and summaries
                # only: of the matches it left, the newest RESCORED are scored and come
                # best first, so a word found only in descriptions still brings the most
                # relevant of the recent ones first (matching's candidates too).
                newest = maps.newest(rest, RESCORED)
                more = self._scores(maps, text.clauses, newest)
                newest = self._best_first(maps, newest, more)
                scores = {**scores, **more}
                chosen += newest[skip : skip + limit - len(chosen)]
                skip = max(0, skip - len(newest))
                rest &= ~maps.of_ids(newest)
            chosen += maps.newest(rest, limit - len(chosen), skip)
        return [(pk, scores.get(pk, 0.0)) for pk in chosen]

    def _ranked(self, maps, text, selection, restricted=True):
        """(ids of the selection's entries holding a word of the query, best first (ties:
        newest first), {id: score}). Up to RESCORE_ALL entries are all scored by
        search.scoring; beyond, the engine's best RESCORED are (the others follow, newest
        first: see _page)."""
        if selection.bit_count() <= RESCORE_ALL:
            candidates = maps.ids_at(bitmaps.positions_of(selection))
        else:
            candidates = self._engine_ranked(maps, text, selection, restricted)
        scores = self._scores(maps, text.clauses, candidates)
        return self._best_first(maps, [pk for pk in candidates if scores.get(pk)], scores), scores

    @staticmethod
    def _best_first(maps, ids, scores):
        """These ids by their score ({id: score}, 0 when absent), best first; ties newest
        first."""
        return sorted(ids, key=lambda pk: (-scores.get(pk, 0.0), -maps.positions.get(pk, -1)))

    def _scores(self, maps, clauses, ids):
        """{id: search.scoring score} of these entries."""
        if not ids:
            return {}
        entries = {pk: scoring.EntryTerms.of_fields(columns, length)
                   for pk, length, *columns in self._scored_rows(ids)}
        return scoring.rank(clauses, entries, self._statistics(maps, clauses))

    def _scored_rows(self, ids):
        """(id, length, *term columns) of these entries. On PostgreSQL by a plain statement:
        the ORM's rows for 1,000 entries took 28-30 ms against 23 ms."""
        connection = connections[self.using]
        if connection.vendor != "postgresql":
            return self._entries().filter(pk__in=list(ids)).values_list(
                "pk", "length", *TERM_COLUMNS)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT solution_id, length, {', '.join(TERM_COLUMNS)} "  # noqa: S608 - the model's columns
                           "FROM search_searchentry WHERE solution_id = ANY(%s)", [list(ids)])
            return cursor.fetchall()

    def _engine_ranked(self, maps, text, selection, restricted):
        """Ids of the selection's entries the engine ranks best, RESCORED at most, best
        first."""
        full_text = self.full_text
        if text.ranks is not None:
            # Ranked while matching, so the query was unrestricted: its selection is every
            # live match, and the live ones are those the bitmaps place.
            positions = maps.positions
            best = heapq.nlargest(RESCORED, [(rank, positions[pk], pk) for pk, rank in text.ranks
                                             if pk in positions])
            ranked = [(pk, rank) for rank, _, pk in best]
        elif full_text.ranks_by_ids and not restricted:
            ranked = full_text.rank(text.expression, match=text.match, limit=RESCORED)
        elif full_text.ranks_by_ids and selection.bit_count() <= RANK_BY_IDS_LIMIT:
            ranked = full_text.rank(text.expression,
                                    maps.ids_at(bitmaps.positions_of(selection)),
                                    match=text.match, limit=RESCORED)
        else:
            ranked = full_text.rank(text.expression, match=text.match)
            if restricted:
                selected = set(maps.ids_at(bitmaps.positions_of(selection)))
                ranked = [(pk, score) for pk, score in ranked if pk in selected]
            ranked.sort(key=lambda item: (-item[1], -maps.positions.get(item[0], -1)))
        return [pk for pk, _ in ranked[:RESCORED]]

    def _highlights(self, ids, clauses):
        if not ids or not clauses:
            return {}
        sources = self._entries().filter(pk__in=ids).values_list("pk", "source")
        return {pk: highlights(source, clauses) for pk, source in sources}

    @staticmethod
    def _facet_counts(maps, base, parts):
        """Counts per facet value: unselected facets over the whole selection, each selected
        facet over the selection of the others (so a reader can widen it as easily)."""
        selection = base
        for bits in parts.values():
            selection &= bits
        counts = maps.counts(selection, [name for name in FACET_NAMES if name not in parts])
        for name in parts:
            others = base
            for other, bits in parts.items():
                if other != name:
                    others &= bits
            counts.update(maps.counts(others, [name]))
        return {name: counts.get(name, {}) for name in FACET_NAMES}

    def more_like_this(self, solution_id, limit=5):
        """Solutions sharing a scenario with this one (and, when many do, an industry), ranked
        by the words of its title, summary and scenarios; by those words alone when it has no
        scenario."""
        entry = (self._entries().filter(pk=solution_id)
                 .values_list("title_terms", "summary_terms", "scenarios_terms", "source")
                 .first())
        if not entry:
            return []
        *texts, source = entry
        terms = list(dict.fromkeys(" ".join(texts).split()))[:SIMILAR_MAX_TERMS]
        maps = bitmaps.current(self.using)
        pool = maps.any_of("scenario", source.get("scenario") or ())
        pool &= maps.alive & ~maps.of_ids([solution_id])
        if pool.bit_count() > SIMILAR_POOL and source.get("industry"):
            narrower = pool & maps.any_of("industry", source["industry"])
            pool = narrower or pool
        if pool.bit_count() > SIMILAR_POOL:
            pool = maps.of_ids(maps.newest(pool, SIMILAR_POOL))
        full_text = self.full_text
        clauses = [analysis.Clause((term,)) for term in terms]
        expression = full_text.expression(clauses, "or") if clauses else None
        if not pool:
            if expression is None:
                return []
            pool = maps.of_ids(full_text.matching_ids(expression)) & ~maps.of_ids([solution_id])
        match = expression
        if clauses and maps.alive.bit_count() >= SELECTING_FROM_ENTRIES:
            # Its rarest words select, as Elasticsearch's more_like_this keeps its most
            # telling terms; all rank.
            selecting = selecting_clauses(clauses, self._statistics(maps, clauses))
            match = full_text.expression(selecting, "or")
        ranked, scores = (self._ranked(maps, TextQuery(clauses, expression, match), pool)
                          if expression else ([], {}))
        chosen = ranked[:limit]
        if len(chosen) < limit:
            chosen += maps.newest(pool & ~maps.of_ids(chosen), limit - len(chosen))
        return [SearchHit(id=pk, score=scores.get(pk, 0.0)) for pk in chosen]
