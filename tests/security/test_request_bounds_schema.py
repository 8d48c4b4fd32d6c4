"""The schema documents the request bounds' answers, so a client (and schemathesis against
a real server, which sends some bodies chunked) meets no undocumented status."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_write_documents_411_and_413(schema):
    missing = [
        f"{method.upper()} {path}: {code}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if method in {"post", "put", "patch", "delete"}
        for code in ("411", "413")
        if code not in operation["responses"]
    ]
    assert missing == []
