"""Writes made while `search_index rebuild` runs reach the new index before the alias swaps.

No server: a fake cluster keeps only the index and alias names, and the bulk helper is
replaced by a recorder, so the tests read the bulk actions and their target indices as data."""

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig
from elasticsearch import NotFoundError

from search.backends import elasticsearch as es

ALIAS = "fake-solutions"
REBUILDING = "fake-solutions-rebuilding"
OLD = f"fake-solutions-{es.schema_version()}-20260101000000000000"


def not_found(name):
    meta = ApiResponseMeta(status=404, http_version="1.1", headers=HttpHeaders(),
                           duration=0.0, node=NodeConfig("http", "localhost", 9200))
    return NotFoundError(message=f"alias [{name}] missing", meta=meta, body={})


class FakeIndices:
    """Index names and which aliases point at them; nothing else of a cluster."""

    def __init__(self):
        self.aliases = {ALIAS: [OLD]}
        self.created = []
        self.deleted = []
        self.alias_updates = []

    def get_alias(self, name):
        if not self.aliases.get(name):
            raise not_found(name)
        return {index: {"aliases": {name: {}}} for index in self.aliases[name]}

    def exists_alias(self, name):
        return bool(self.aliases.get(name))

    def create(self, index, settings, mappings, aliases=None):
        self.created.append(index)
        for alias in aliases or {}:
            self.aliases.setdefault(alias, []).append(index)

    def put_settings(self, index, settings):
        pass

    def refresh(self, index):
        pass

    def update_aliases(self, actions):
        self.alias_updates.append(actions)
        for action in actions:
            (verb, spec), = action.items()
            names = self.aliases.setdefault(spec["alias"], [])
            if verb == "add":
                names.append(spec["index"])
            else:
                names.remove(spec["index"])

    def delete(self, index, ignore_unavailable=False):
        self.deleted.append(index)
        for names in self.aliases.values():
            if index in names:
                names.remove(index)


class FakeClient:
    def __init__(self):
        self.indices = FakeIndices()


@pytest.fixture
def cluster():
    return FakeClient()


@pytest.fixture
def bulk_calls(monkeypatch):
    calls = []
    monkeypatch.setattr(es.helpers, "bulk",
                        lambda client, actions, **kw: calls.append((list(actions), kw)))
    return calls


@pytest.fixture
def scanned(monkeypatch):
    """What a scan of the new index answers: {id: seq_no}, all of primary term 1."""
    hits = {}
    monkeypatch.setattr(es.helpers, "scan", lambda client, index, query: [
        {"_index": index, "_id": pk, "_seq_no": seq_no, "_primary_term": 1}
        for pk, seq_no in hits.items()
    ])
    return hits


def backend_on(cluster):
    """One process's backend; several may share the fake cluster, as processes share one."""
    return es.ElasticsearchBackend(cluster, prefix="fake")


def doc(pk):
    return {"id": pk, "title_en": f"Solution {pk}"}


def targets(actions):
    return sorted({(action["_op_type"], action["_index"]) for action in actions})


def test_outside_a_rebuild_writes_go_to_the_alias_only(cluster, bulk_calls):
    backend = backend_on(cluster)
    backend.index([doc(1)])
    backend.delete([2])
    assert [targets(actions) for actions, _ in bulk_calls] == [
        [("index", ALIAS)], [("delete", ALIAS)]]


def test_writes_during_a_rebuild_reach_the_new_index_before_the_swap(cluster, bulk_calls):
    rebuilding, writer = backend_on(cluster), backend_on(cluster)
    seen = {}

    def batches():
        yield [doc(1), doc(2)]
        # Another process writes while the rebuild is between batches.
        seen["new"] = cluster.indices.created[-1]
        seen["swaps_before_write"] = len(cluster.indices.alias_updates)
        writer.index([doc(2)])
        writer.delete([3])
        yield [doc(4)]

    assert rebuilding.rebuild(batches()) == 3
    new = seen["new"]
    assert seen["swaps_before_write"] == 0
    # The copies are sent from the rebuild's threads: the calls' order is not the batches'.
    [write] = [actions for actions, _ in bulk_calls if actions[0]["_op_type"] == "index"]
    [delete] = [actions for actions, _ in bulk_calls if actions[0]["_op_type"] == "delete"]
    copy_1, copy_2 = (actions for actions, _ in bulk_calls if actions[0]["_op_type"] == "create")
    assert targets(write) == [("index", ALIAS), ("index", new)]
    assert [action["_id"] for action in write] == ["2", "2"]
    assert targets(delete) == [("delete", ALIAS), ("delete", new)]
    assert targets(copy_1) == targets(copy_2) == [("create", new)]
    # Swapped: the alias holds the new index only, which is no longer "being rebuilt".
    assert cluster.indices.aliases[ALIAS] == [new]
    assert cluster.indices.aliases[REBUILDING] == []
    assert OLD in cluster.indices.deleted
    writer.index([doc(5)])
    assert targets(bulk_calls[-1][0]) == [("index", ALIAS)]


def test_the_copy_never_overwrites_a_write_made_during_the_rebuild(cluster, bulk_calls):
    # The copy read the database before the write committed, so a document the write put in
    # the new index first is the newer: the copy only creates, and a conflict is not an error.
    backend_on(cluster).rebuild(iter([[doc(1)]]))
    (actions, options), = bulk_calls
    assert {action["_op_type"] for action in actions} == {"create"}
    assert options == {"ignore_status": (409,)}


def test_the_swap_moves_the_alias_and_ends_the_rebuild_in_one_update():
    assert es.swap_actions(ALIAS, REBUILDING, ["a", "b"], "c") == [
        {"remove": {"index": "a", "alias": ALIAS}},
        {"remove": {"index": "b", "alias": ALIAS}},
        {"add": {"index": "c", "alias": ALIAS}},
        {"remove": {"index": "c", "alias": REBUILDING}},
    ]


def test_a_failed_rebuild_leaves_writes_going_to_the_alias_only(cluster, bulk_calls):
    def failing():
        yield [doc(1)]
        raise RuntimeError("catalog unreadable")

    backend = backend_on(cluster)
    with pytest.raises(RuntimeError):
        backend.rebuild(failing())
    assert cluster.indices.aliases[ALIAS] == [OLD]
    backend.index([doc(1)])
    assert targets(bulk_calls[-1][0]) == [("index", ALIAS)]


def test_a_rebuild_drops_the_index_of_one_killed_before_its_swap(cluster, bulk_calls):
    abandoned = "fake-solutions-0123456789-20260101000000000001"
    cluster.indices.aliases[REBUILDING] = [abandoned]
    backend = backend_on(cluster)
    backend.rebuild(iter([[doc(1)]]))
    assert abandoned in cluster.indices.deleted
    assert abandoned not in cluster.indices.aliases[ALIAS]


def test_status_shows_a_rebuild_in_progress(cluster):
    cluster.indices.aliases[REBUILDING] = ["fake-solutions-new"]
    assert backend_on(cluster).describe()["rebuilding"] == ["fake-solutions-new"]


def test_a_solution_withdrawn_while_the_copy_ran_is_removed_before_the_swap(
    cluster, bulk_calls, scanned
):
    # 2 was read by the copy, then archived; its delete came before the copy wrote it.
    scanned.update({"1": 0, "2": 1, "3": 2})
    swaps = []

    def live_ids():
        swaps.append(len(cluster.indices.alias_updates))
        return {1, 3}

    backend_on(cluster).rebuild(iter([[doc(1), doc(2), doc(3)]]), live_ids=live_ids)
    new = cluster.indices.created[-1]
    (withdraw, options) = bulk_calls[-1]
    assert withdraw == [{"_op_type": "delete", "_index": new, "_id": "2",
                         "if_seq_no": 1, "if_primary_term": 1}]
    assert options["ignore_status"] == (404, 409)
    assert swaps == [0]  # asked before the swap


def test_nothing_is_withdrawn_when_every_copied_solution_is_live(cluster, bulk_calls, scanned):
    scanned.update({"1": 0})
    backend_on(cluster).rebuild(iter([[doc(1)]]), live_ids=lambda: {1})
    assert [targets(actions) for actions, _ in bulk_calls] == [
        [("create", cluster.indices.created[-1])]]


def test_withdraw_actions_only_delete_what_no_write_touched_since_the_scan():
    assert es.withdraw_actions("new", {"5": (7, 2), "6": (8, 2)}, {6}) == [
        {"_op_type": "delete", "_index": "new", "_id": "5", "if_seq_no": 7,
         "if_primary_term": 2}]


@pytest.mark.django_db
def test_rebuild_index_tells_the_backend_which_solutions_are_live(monkeypatch, publish):
    from search import services

    live = publish(neutral=True)
    publish(neutral=True, status="archived")
    asked = {}

    class Recording:
        def rebuild(self, batches, live_ids=None):
            asked["docs"] = [doc["id"] for docs in batches for doc in docs]
            asked["live"] = live_ids()
            return len(asked["docs"])

    monkeypatch.setattr(services, "get_backend", Recording)
    assert services.rebuild_index() == 1
    assert asked == {"docs": [live.pk], "live": {live.pk}}
