"""The OpenAPI document is generated without warnings and validates, and is served offline."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/solutions/{id}/submit/" in text
    assert "ApiKeyAuth" in text


def test_swagger_ui_and_redoc_load_their_assets_from_this_server(client):
    for url in ("/api/v1/docs/", "/api/v1/redoc/"):
        page = client.get(url).content.decode()
        assert "cdn.jsdelivr" not in page and "unpkg.com" not in page
        assert "/static/drf_spectacular_sidecar/" in page
