"""The text part of an Elasticsearch query, built from the Clauses every backend shares
(search.analysis.parse_query, synonyms and concepts included), so the cluster matches the same
terms as the database backends.

The documents' terms were analysed in Python before indexing (elasticsearch_actions) and are
held in fields with the `whitespace` analyzer, one per weighted TextField. A phrase of one
term is a `term` query, a phrase of several (a CJK run's bigrams, a quoted phrase, a
multi-word synonym) a `match_phrase`, a prefix (a lone CJK character) a `prefix`. A clause
matches when any of its phrases (its own, then its synonyms') matches in any field; its score
is the sum of the fields' BM25 scores, each boosted by the field's weight (per-field queries
rather than one multi_match: a prefix needs its own query, and a sum rather than the best
field lets a word in the title and the summary count twice). The cluster's score only picks
the candidates in relevance order (ElasticsearchBackend._rescore orders them). Plain data,
tested as data.
"""

from search.index import TEXT_FIELDS

from .database import MIN_SELECTING, SELECTING_FROM_ENTRIES, rarest_clauses

# Relevance order: the cluster finds this many candidates by its own score; the final order
# among them is the shared Python scorer's (ElasticsearchBackend._rescore).
CANDIDATES = 500


def term_field(field):
    """The cluster's field holding a TextField's terms: the database's column name."""
    return field.column


def phrase_query(name, phrase, *, prefix=False, boost=1):
    """One phrase of a clause (a tuple of terms) in one field."""
    if len(phrase) == 1:
        kind = "prefix" if prefix else "term"
        return {kind: {name: {"value": phrase[0], "boost": boost}}}
    kind = "match_phrase_prefix" if prefix else "match_phrase"
    return {kind: {name: {"query": " ".join(phrase), "boost": boost}}}


def clause_query(clause):
    """Any phrase of the clause in any field, scored by the fields it matches in."""
    return {"bool": {
        "should": [
            phrase_query(term_field(field), phrase, prefix=clause.prefix, boost=field.weight)
            for phrase in clause.phrases
            for field in TEXT_FIELDS
        ],
        "minimum_should_match": 1,
    }}


def text_query(clauses, operator, selecting=None):
    """Every clause must match ("and"), or any ("or"). An "or" query with `selecting` (a
    subset of its clauses, see selecting_clauses) matches what those match, and all of its
    clauses score."""
    queries = [clause_query(clause) for clause in clauses]
    if operator == "and":
        return {"bool": {"must": queries}}
    if selecting is None or len(selecting) == len(clauses):
        return {"bool": {"should": queries, "minimum_should_match": 1}}
    return {"bool": {
        "filter": [{"bool": {"should": [clause_query(clause) for clause in selecting],
                             "minimum_should_match": 1}}],
        "should": queries,
    }}


def shares_body(clauses):
    """A search counting, for each clause, the documents it matches (and all documents): the
    data selecting_clauses needs, in one request."""
    return {
        "size": 0,
        "track_total_hits": True,
        "aggs": {"clauses": {"filters": {"filters": {
            str(position): clause_query(clause) for position, clause in enumerate(clauses)
        }}}},
    }


def clause_shares(response, clauses):
    """{clause: share of the index it matches} from the answer to shares_body, or None when
    the index is too small for a share to say anything (every clause selects)."""
    total = response["hits"]["total"]["value"]
    if total < SELECTING_FROM_ENTRIES:
        return None
    buckets = response["aggregations"]["clauses"]["buckets"]
    return {clause: buckets[str(position)]["doc_count"] / total
            for position, clause in enumerate(clauses)}


def selection_helps(clauses):
    """Whether some clauses could be left out of the selection (it keeps MIN_SELECTING)."""
    return len(clauses) > MIN_SELECTING


def selecting_clauses(clauses, shares):
    """The clauses of an any-word query that select its candidates, by the database backend's
    rule (search.backends.database.rarest_clauses). The shares here are exact counts from the
    cluster, not estimates from term statistics."""
    if shares is None:
        return list(clauses)
    return rarest_clauses(clauses, shares.__getitem__)
