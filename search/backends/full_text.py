"""The full-text side of the database backend, one class per database: the query expression
for a list of clauses (search.analysis), the ids of the matching entries, and their ranks.

Text is normalised in Python before it is stored and before it is queried, so both databases
see the same terms. Each finds the matches; the order a reader sees comes from
search.scoring, the same for both. An engine's own rank only bounds a large set of matches
to the few hundred search.scoring orders (search.backends.database.RESCORE_ALL):

- SQLite: FTS5 (migration 0002) and bm25() with the fields' weights;
- PostgreSQL: the weighted `search_vector` (migration 0002) for matching; ranks are ts_rank
  over the small `head_vector` of titles and summaries (migration 0006). Ranking over the
  whole text would read every matching row's large vector (a third of a second for 20,000
  matches); ranking over titles and summaries reads a tenth of it and says what matters most
  to a reader. Entries matching only outside titles and summaries rank 0: they come after
  the others, newest first.
"""

from django.db import connections, transaction

from search.index import TEXT_FIELDS
from search.marks import mark_token

# ts_rank weights for classes {D, C, B, A}: C holds the weight-1 fields, B weight 2, A weight 3
# (see search.index.TEXT_FIELDS); D is unused.
PG_WEIGHTS = "'{0.1, 0.3333, 0.6667, 1.0}'::float4[]"


class SqliteFullText:
    """FTS5 over the external-content table made by migration 0002."""

    def __init__(self, using="default"):
        self.using = using

    @staticmethod
    def _phrase(terms):
        return '"' + " ".join(t.replace('"', '""') for t in terms) + '"'

    def expression(self, clauses, operator, marked=frozenset()):
        # `marked` is PostgreSQL's (search.marks): FTS5 finds phrases in its index.
        parts = []
        for clause in clauses:
            if clause.prefix:
                parts.append(f"{self._phrase(clause.terms)} *")
            elif clause.alternatives:
                parts.append("(" + " OR ".join(map(self._phrase, clause.phrases)) + ")")
            else:
                parts.append(self._phrase(clause.terms))
        return f" {operator.upper()} ".join(parts)

    def matching_ids(self, expression, phrases_first=False):
        # `phrases_first` is PostgreSQL's (see PostgresFullText._matches); FTS5 keeps
        # positions in its index.
        with connections[self.using].cursor() as cursor:
            cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH %s", [expression])
            return [row[0] for row in cursor.fetchall()]

    @staticmethod
    def ranks_while_matching(phrases_first):
        """Whether matching_ranked costs less than matching_ids then rank: always here, FTS5
        ranks every match from its index either way."""
        return True

    def matching_ranked(self, expression, match, phrases_first=False):
        """[(id, rank)] of every entry matching `match`, ranked as `rank` ranks them: one
        pass over the matches where matching_ids and rank would make two."""
        return self.rank(expression, match=match)

    # Every match is ranked and the caller keeps its selection: FTS5 ranks from its index in
    # C, while a rowid constraint beside MATCH made SQLite rank far slower.
    ranks_by_ids = False

    def rank(self, expression, ids=None, match=None, limit=None):
        """[(id, score)] of the entries matching `match` (the expression by default); higher
        is better. FTS5 ranks by what it matches, so with `match` the ranking words are the
        matching ones; `ids` is not used (ranks_by_ids), and neither is `limit`: the caller
        keeps its selection from the whole ranking."""
        weights = ", ".join(str(float(field.weight)) for field in TEXT_FIELDS)
        # bm25() is lower for better matches; negated so that higher is better everywhere.
        sql = (f"SELECT rowid, -bm25(search_fts, {weights}) FROM search_fts "  # noqa: S608
               "WHERE search_fts MATCH %s")
        params = [match or expression]
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(score)) for pk, score in cursor.fetchall()]


class PostgresFullText:
    """tsquery against the generated vectors made by migrations 0002 and 0006."""

    ranks_by_ids = True

    def __init__(self, using="default"):
        self.using = using

    @staticmethod
    def _lexeme(term):
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"

    def _phrase(self, terms, prefix=False, marked=frozenset()):
        if len(terms) > 1 and not prefix and marked:
            token = mark_token(tuple(terms))
            if token in marked:
                # Every entry holding the phrase carries its token (search.marks).
                return self._lexeme(token)
        lexemes = [self._lexeme(term) for term in terms]
        if prefix:
            lexemes[-1] += ":*"
        part = " <-> ".join(lexemes)
        return f"({part})" if len(lexemes) > 1 else part

    def expression(self, clauses, operator, marked=frozenset()):
        """The tsquery of `clauses`; a phrase among `marked` (tokens of search.marks) is its
        token, which finds the same entries without reading their positions."""
        parts = []
        for clause in clauses:
            if clause.alternatives:
                parts.append("(" + " | ".join(self._phrase(phrase, marked=marked)
                                              for phrase in clause.phrases) + ")")
            else:
                parts.append(self._phrase(clause.terms, clause.prefix, marked))
        return f" {'&' if operator == 'and' else '|'} ".join(parts)

    # Told for each statement of _fetch, then put back as they were.
    # enable_seqscan: the planner expects a frequent word to match a fifth of the table and
    # reads it all, computing every large vector; the GIN index reads only the matches.
    # max_parallel_workers_per_gather: a ranking of thousands of titles was planned on two
    # workers, whose start cost more than they shared (排产: 39-42 ms against 31-34 ms in one
    # process at 100,000), and a web request's statement should not take the cores of the
    # requests beside it.
    STATEMENT_SETTINGS = (("enable_seqscan", "off"), ("max_parallel_workers_per_gather", "0"))

    def _fetch(self, sql, params):
        # In a transaction of its own or the caller's: set_config(…, true) lasts until the
        # transaction ends, so the settings are put back at once.
        names = [name for name, _ in self.STATEMENT_SETTINGS]
        told = ", ".join(["set_config(%s, %s, true)"] * len(names))
        with transaction.atomic(using=self.using), connections[self.using].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(["current_setting(%s)"] * len(names)), names)
            before = cursor.fetchone()
            cursor.execute(f"SELECT {told}",
                           [value for pair in self.STATEMENT_SETTINGS for value in pair])
            try:
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                cursor.execute(f"SELECT {told}",
                               [value for pair in zip(names, before, strict=True)
                                for value in pair])

    @staticmethod
    def _matches(match, phrases_first):
        """(FROM … WHERE …, params) of the entries matching `match`.

        GIN holds no positions, so PostgreSQL checks a phrase (`<->`) by reading the whole
        text's vector of every entry holding its words: about 2.4 kB each, compressed and
        stored out of line. Most entries that match a phrase match it in their title or
        summary, whose small vector is stored in the row (head_vector, the first part of
        search_vector, with the same positions), so those are checked first: the entries
        holding every word (the phrases as plain conjunctions, found in the index without a
        recheck) are fenced in a subquery (OFFSET 0, so the planner cannot merge the phrase
        condition into the index scan), then kept when the head or else the whole text holds
        the phrase. The same entries, and half the time for a query of phrases matching
        thousands at 100,000 (docs/search.md).

        Only `phrases_first`, when the caller expects most matches to need the check: an
        entry matching a single word of the query needs none (GIN knows it matches), and
        fenced it would be read again all the same."""
        if not phrases_first or " <-> " not in match:
            return "search_searchentry WHERE search_vector @@ %s::tsquery", [match]
        # A phrase's lexemes are joined by " <-> " and a lexeme holds no space (analysis
        # splits on them), so this makes each phrase the conjunction of its words.
        words = match.replace(" <-> ", " & ")
        return ("(SELECT solution_id, head_vector, search_vector FROM search_searchentry "
                "WHERE search_vector @@ %s::tsquery OFFSET 0) AS holding_every_word "
                "WHERE head_vector @@ %s::tsquery OR search_vector @@ %s::tsquery",
                [words, match, match])

    def matching_ids(self, expression, phrases_first=False):
        where, params = self._matches(expression, phrases_first)
        return [row[0] for row in self._fetch(f"SELECT solution_id FROM {where}", params)]  # noqa: S608

    @staticmethod
    def ranks_while_matching(phrases_first):
        """Whether matching_ranked costs less than matching_ids then rank: when phrases are
        checked in titles and summaries first, the pass reads them anyway. Otherwise ranking
        apart reads only the entries whose titles or summaries match (GIN on head_vector),
        where ranking in the pass would read every match's (at 100,000, 42 against 54 ms
        for a word matching 19,000)."""
        return phrases_first

    def matching_ranked(self, expression, match, phrases_first=False):
        """[(id, rank or None)] of every entry matching `match`, with the rank `rank` would
        give it when its title or summary match (None otherwise), in one pass over the
        matches: each row is visited once, where matching_ids and rank would visit the
        matches twice (at 100,000 entries, 40 % of the time of a query matching thousands)."""
        where, params = self._matches(match, phrases_first)
        sql = (f"SELECT solution_id, CASE WHEN head_vector @@ %s::tsquery "  # noqa: S608
               f"THEN ts_rank({PG_WEIGHTS}, head_vector, %s::tsquery) END FROM {where}")
        rows = self._fetch(sql, [match, expression, *params])
        return [(int(pk), None if rank is None else float(rank)) for pk, rank in rows]

    def rank(self, expression, ids=None, match=None, limit=None):
        """[(id, score)] of the entries whose title or summary match `match` (the expression
        by default), scored by the expression (among `ids` when given); higher is better,
        ties newest first. Matches elsewhere only are not listed (rank 0). With `limit`, the
        best that many, chosen by the database rather than sent over and sorted here."""
        sql = (f"SELECT solution_id, ts_rank({PG_WEIGHTS}, head_vector, %s::tsquery) AS rank "  # noqa: S608
               "FROM search_searchentry WHERE head_vector @@ %s::tsquery")
        params = [expression, match or expression]
        if ids is not None:
            sql += " AND solution_id = ANY(%s)"
            params.append(list(ids))
        if limit is not None:
            sql += (" ORDER BY rank DESC, published_at DESC NULLS LAST, solution_id DESC "
                    "LIMIT %s")
            params.append(limit)
        return [(int(pk), float(score)) for pk, score in self._fetch(sql, params)]


FULL_TEXT_BY_VENDOR = {"sqlite": SqliteFullText, "postgresql": PostgresFullText}


def full_text_for(using="default"):
    vendor = connections[using].vendor
    try:
        return FULL_TEXT_BY_VENDOR[vendor](using)
    except KeyError:
        raise NotImplementedError(f"No database search for {vendor}") from None
