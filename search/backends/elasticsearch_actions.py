"""The bulk and alias actions the Elasticsearch backend sends, built by plain functions so
they can be tested as data: which documents go to which index, with which terms, and how a
rebuild swaps in."""

from search import analysis
from search.index import TEXT_FIELDS


def term_fields(doc):
    """{field's column: its terms} of a document, analysed as the database backends analyse
    it (search.analysis.terms), one string of terms per source key that has any. A list, not
    one string: Elasticsearch leaves a gap between a list's values, so a phrase never runs
    from the end of the English title into the Chinese one."""
    return {
        field.column: [terms for source in field.sources
                       if (terms := analysis.terms(doc.get(source) or ""))]
        for field in TEXT_FIELDS
    }


def indexed_source(doc):
    """What the cluster stores of a document: the document as search.index built it (read
    back by `documents`, and highlighted in Python) and its terms, which are searched."""
    return {**doc, **term_fields(doc)}


def index_actions(targets, docs, op_type="index"):
    """Bulk actions that add or replace documents, in each of `targets` (an index or alias
    name, or several). `op_type="create"` adds only documents the target does not hold."""
    targets = [targets] if isinstance(targets, str) else targets
    sources = [indexed_source(doc) for doc in docs]
    return [
        {"_op_type": op_type, "_index": target, "_id": str(source["id"]), "_source": source}
        for target in targets
        for source in sources
    ]


def delete_actions(targets, ids):
    targets = [targets] if isinstance(targets, str) else targets
    return [
        {"_op_type": "delete", "_index": target, "_id": str(pk)}
        for target in targets
        for pk in ids
    ]


def withdraw_actions(index, copied, live_ids):
    """Deletes of the documents in `copied` ({id: (seq_no, primary_term)}, as scanned) whose
    ids are not in `live_ids`. Each applies only if no write touched the document since the
    scan, so a solution published again meanwhile keeps the write that brought it back."""
    live = {str(pk) for pk in live_ids}
    return [
        {"_op_type": "delete", "_index": index, "_id": pk,
         "if_seq_no": seq_no, "if_primary_term": primary_term}
        for pk, (seq_no, primary_term) in sorted(copied.items())
        if pk not in live
    ]


def swap_actions(alias, rebuilding_alias, old, new):
    """One atomic alias update: readers and writers move from the old indices to the new one,
    and the new one stops being "being rebuilt", in the same instant."""
    return (
        [{"remove": {"index": name, "alias": alias}} for name in old]
        + [{"add": {"index": new, "alias": alias}},
           {"remove": {"index": new, "alias": rebuilding_alias}}]
    )
