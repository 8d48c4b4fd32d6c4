"""The bulk and alias actions the Elasticsearch backend sends, built by plain functions so
they can be tested as data: which documents go to which index, and how a rebuild swaps in."""


def index_actions(targets, docs, op_type="index"):
    """Bulk actions that add or replace documents, in each of `targets` (an index or alias
    name, or several). `op_type="create"` adds only documents the target does not hold."""
    targets = [targets] if isinstance(targets, str) else targets
    return [
        {"_op_type": op_type, "_index": target, "_id": str(doc["id"]), "_source": doc}
        for target in targets
        for doc in docs
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
