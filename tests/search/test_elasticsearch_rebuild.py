"""A rebuild loads its new index in parallel with refresh off and no replicas, gives it its
serving settings back and refreshes it before the alias swaps.

No server: the real client talks to a fake node that keeps a cluster's index and alias names
and records every request, so the tests read the requests' bodies (the index settings, the
bulk lines, the settings restored) as the cluster would receive them."""

import json
import threading

import pytest
from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node._base import NodeApiResponse
from elasticsearch import Elasticsearch, helpers

from search import analysis
from search.backends import elasticsearch as es

ELASTIC = {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}
ALIAS = "fake-solutions"
REBUILDING = "fake-solutions-rebuilding"
OLD = "fake-solutions-0123456789-20260101000000000000"


class Cluster:
    """Alias names and the requests received; bulk items fail with `refuse` ({id: status})."""

    def __init__(self):
        self.aliases = {ALIAS: [OLD]}
        self.requests = []  # (method, path, body: parsed JSON, or a list for NDJSON)
        self.refuse = {}
        self.lock = threading.Lock()

    def answer(self, method, path, body):
        if path.startswith("/_alias/"):
            name = path.removeprefix("/_alias/")
            if not self.aliases.get(name):
                return 404, {"error": f"alias [{name}] missing", "status": 404}
            return 200, {index: {"aliases": {name: {}}} for index in self.aliases[name]}
        if path == "/_bulk":
            return 200, self._bulk(body)
        if method == "PUT" and path.count("/") == 1:  # create an index
            for alias in body.get("aliases", {}):
                self.aliases.setdefault(alias, []).append(path[1:])
            return 200, {"acknowledged": True, "shards_acknowledged": True, "index": path[1:]}
        if path == "/_aliases":
            for action in body["actions"]:
                (verb, spec), = action.items()
                names = self.aliases.setdefault(spec["alias"], [])
                (names.append if verb == "add" else names.remove)(spec["index"])
        if method == "DELETE":
            for names in self.aliases.values():
                if path[1:] in names:
                    names.remove(path[1:])
        return 200, {"acknowledged": True}

    def _bulk(self, lines):
        items = []
        for line in lines[::2]:
            (op, meta), = line.items()
            status = self.refuse.get(meta["_id"], 201)
            item = {"_index": meta["_index"], "_id": meta["_id"], "status": status}
            if status >= 300:
                item["error"] = {"type": "mapper_parsing_exception", "reason": "refused"}
            items.append({op: item})
        return {"took": 1, "errors": any("error" in next(iter(i.values())) for i in items),
                "items": items}

    def client(self):
        cluster = self

        class Node(BaseNode):
            def perform_request(self, method, target, body=None, headers=None,
                                request_timeout=None):
                path = target.split("?")[0]
                text = body.decode() if body else ""
                if path == "/_bulk":
                    parsed = [json.loads(line) for line in text.splitlines() if line]
                else:
                    parsed = json.loads(text) if text else None
                with cluster.lock:
                    cluster.requests.append((method, path, parsed))
                    status, answer = cluster.answer(method, path, parsed)
                meta = ApiResponseMeta(status=status, http_version="1.1",
                                       headers=HttpHeaders(ELASTIC), duration=0.0,
                                       node=self.config)
                return NodeApiResponse(meta, json.dumps(answer).encode())

        return Elasticsearch("http://127.0.0.1:9", node_class=Node, max_retries=0)


@pytest.fixture
def cluster():
    return Cluster()


def doc(pk):
    return {"id": pk, "title_en": f"Gearbox monitoring {pk}", "title_zh": "齿轮箱振动监测"}


def requests_to(cluster, method, path):
    return [body for m, p, body in cluster.requests if (m, p) == (method, path)]


def created(cluster):
    """[(index name, body)] of the index creations received."""
    return [(path[1:], body) for method, path, body in cluster.requests
            if method == "PUT" and path.count("/") == 1 and not path.startswith("/_")]


def positions(cluster, method, path):
    return [n for n, (m, p, _) in enumerate(cluster.requests) if (m, p) == (method, path)]


def test_the_new_index_loads_without_refresh_or_replicas_and_serves_with_them(cluster):
    backend = es.ElasticsearchBackend(cluster.client(), prefix="fake", replicas=2)
    read_in = []

    def batches():
        for start in range(1, 13, 2):
            read_in.append(threading.get_ident())
            yield [doc(start), doc(start + 1)]

    assert backend.rebuild(batches()) == 12
    [(new, body)] = created(cluster)
    assert body["settings"] == {"number_of_shards": 1, "refresh_interval": "-1",
                                "number_of_replicas": 0}
    assert body["mappings"] == es.index_body()["mappings"]
    assert body["aliases"] == {REBUILDING: {}}

    bulks = requests_to(cluster, "PUT", "/_bulk") + requests_to(cluster, "POST", "/_bulk")
    assert len(bulks) == 6  # one request per batch, sent from the load's threads
    actions = [line for lines in bulks for line in lines[::2]]
    sources = {line["id"]: line for lines in bulks for line in lines[1::2]}
    assert sorted(int(action["create"]["_id"]) for action in actions) == list(range(1, 13))
    assert {action["create"]["_index"] for action in actions} == {new}
    assert sources[3]["title_terms"] == [analysis.terms("Gearbox monitoring 3"),
                                         "齿轮 轮箱 箱振 振动 动监 监测"]
    # The batches are read in the calling thread (its database connection), not the pool's.
    assert set(read_in) == {threading.get_ident()}

    settings_at = positions(cluster, "PUT", f"/{new}/_settings")
    assert requests_to(cluster, "PUT", f"/{new}/_settings") == [
        {"index": {"refresh_interval": None, "number_of_replicas": 2}}]
    bulk_at = positions(cluster, "PUT", "/_bulk") + positions(cluster, "POST", "/_bulk")
    refresh_at = positions(cluster, "POST", f"/{new}/_refresh")
    swap_at = positions(cluster, "POST", "/_aliases")
    assert max(bulk_at) < settings_at[0] < refresh_at[0] < swap_at[0]
    assert requests_to(cluster, "POST", "/_aliases") == [
        {"actions": es.swap_actions(ALIAS, REBUILDING, [OLD], new)}]
    assert cluster.aliases[ALIAS] == [new]
    assert requests_to(cluster, "DELETE", f"/{OLD}") == [None]


def test_a_refused_document_fails_the_rebuild_before_the_swap(cluster):
    cluster.refuse = {"3": 400}
    backend = es.ElasticsearchBackend(cluster.client(), prefix="fake")
    with pytest.raises(helpers.BulkIndexError):
        backend.rebuild(iter([[doc(1), doc(2)], [doc(3), doc(4)]]))
    [(new, _)] = created(cluster)
    assert requests_to(cluster, "POST", "/_aliases") == []
    assert requests_to(cluster, "DELETE", f"/{new}") == [None]
    assert cluster.aliases[ALIAS] == [OLD]


def test_a_conflict_is_not_an_error_the_copy_only_creates(cluster):
    cluster.refuse = {"2": 409}  # a write made during the rebuild put it there first
    backend = es.ElasticsearchBackend(cluster.client(), prefix="fake")
    assert backend.rebuild(iter([[doc(1), doc(2)]])) == 2
    assert cluster.aliases[ALIAS] != [OLD]


def test_the_first_index_serves_at_once_with_the_configured_replicas(cluster):
    cluster.aliases = {}
    backend = es.ElasticsearchBackend(cluster.client(), prefix="fake", replicas=0)
    backend.ensure_index()
    [(_, body)] = created(cluster)
    assert body["settings"] == {"number_of_shards": 1, "number_of_replicas": 0}
    assert body["aliases"] == {ALIAS: {}}
