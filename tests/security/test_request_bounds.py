"""Bounds on what a request may send: body size (413), JSON nesting (400), and bodies of
unknown length (411), each answered as problem details under /api/ and never a 500 or a
dropped connection; nothing is stored from a refused request."""

import http.client
import json
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalog.models import Attachment, Solution
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db

SOLUTIONS = "/api/v1/solutions/"


def problem(response):
    assert response["Content-Type"].startswith("application/problem+json")
    content = (b"".join(response.streaming_content) if response.streaming
               else response.content)
    return json.loads(content)


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    settings.REQUEST_MAX_UPLOAD_BYTES = 50_000


def test_a_json_body_over_the_limit_gets_413_and_stores_nothing(api_as, vendor_user,
                                                                small_bodies):
    body = json.dumps({"title": "Big", "description": "x" * 20_000})
    response = api_as(vendor_user).post(SOLUTIONS, data=body, content_type="application/json")
    assert response.status_code == 413
    details = problem(response)
    assert details["status"] == 413
    assert details["type"] == "about:blank#request_too_large"
    assert "10000" in details["detail"]
    assert not Solution.objects.exists()


def test_a_form_body_over_the_limit_gets_413(api_as, vendor_user, small_bodies):
    response = api_as(vendor_user).post(SOLUTIONS, data="title=" + "x" * 20_000,
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert problem(response)["status"] == 413


def test_an_upload_over_the_limit_gets_413(api_as, vendor_user, vendor, small_bodies,
                                           settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    draft = SolutionFactory(vendor=vendor)
    response = api_as(vendor_user).post(
        "/api/v1/attachments/",
        {"solution": draft.pk, "file": SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 60_000)},
        format="multipart",
    )
    assert response.status_code == 413
    assert "50000" in problem(response)["detail"]
    assert not Attachment.objects.exists()


def test_an_oversize_form_field_inside_an_allowed_upload_gets_413(api_as, vendor_user, vendor,
                                                                  small_bodies):
    draft = SolutionFactory(vendor=vendor)
    response = api_as(vendor_user).post(
        "/api/v1/attachments/", {"solution": draft.pk, "title": "x" * 20_000}, format="multipart"
    )
    assert response.status_code == 413
    assert problem(response)["status"] == 413


def test_a_web_form_over_the_limit_gets_413(client, small_bodies):
    response = client.post("/accounts/login/", data="login=" + "x" * 20_000 + "&password=y",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [33, 1000, 100_000])
def test_json_nested_too_deep_gets_400_naming_the_reason(api_as, vendor_user, depth):
    body = '{"title": ' + "[" * depth + "]" * depth + "}"
    response = api_as(vendor_user).post(SOLUTIONS, data=body, content_type="application/json")
    assert response.status_code == 400
    details = problem(response)
    assert details["type"] == "about:blank#parse_error"
    assert "nested deeper than 32" in details["detail"]
    assert not Solution.objects.exists()


@pytest.mark.parametrize("body, where", [
    # A lookup by such a code reached PostgreSQL, which cannot hold a NUL: a 500 there.
    ({"title_en": "Gauges", "case_studies": [{"client": "A", "region": "CN-\x00JS"}]},
     "case_studies[0].region"),
    ({"title_en": "Gauges\x00"}, "title_en"),
    ({"title_en": "Gauges", "scen\x00arios": []}, "scen\x00arios"),
])
def test_json_with_a_nul_character_gets_400_naming_where(api_as, vendor_user, body, where):
    response = api_as(vendor_user).post(SOLUTIONS, data=json.dumps(body),
                                        content_type="application/json")
    assert response.status_code == 400
    details = problem(response)
    assert details["type"] == "about:blank#parse_error"
    assert "NUL characters" in details["detail"] and f"(at {where})" in details["detail"]
    assert not Solution.objects.exists()


def test_json_within_the_depth_limit_reaches_validation(api_as, vendor_user):
    body = '{"title": ' + "[" * 31 + "]" * 31 + "}"
    response = api_as(vendor_user).post(SOLUTIONS, data=body, content_type="application/json")
    assert response.status_code in (201, 400)
    if response.status_code == 400:
        assert problem(response)["type"] != "about:blank#parse_error"


def test_a_chunked_body_gets_411(client):
    response = client.post(SOLUTIONS, data="title=a",
                           content_type="application/x-www-form-urlencoded",
                           HTTP_TRANSFER_ENCODING="chunked")
    assert response.status_code == 411
    assert "Content-Length" in problem(response)["detail"]


# Through a real server (pytest-django's live server is runserver's WSGI server), as the
# schemathesis run met it: form posts sent chunked left their body on a kept-alive connection,
# which the server then read as the next request; the client saw the connection aborted.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", [SOLUTIONS, "/api/v1/solutions/1/reject/",
                                  "/api/v1/revisions/1/request-changes/"])
@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=b"])
def test_a_chunked_form_post_gets_a_4xx_and_leaves_the_connection_usable(live_server, path,
                                                                          content_type):
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request("POST", path, body=iter([b"comment=a"]),
                           headers={"Content-Type": content_type}, encode_chunked=True)
        first = connection.getresponse()
        first.read()
        assert 400 <= first.status < 500
        connection.request("GET", "/healthz")
        second = connection.getresponse()
        assert second.status == 200
        assert json.loads(second.read())["status"] == "ok"
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_an_oversize_body_gets_its_413_through_a_real_server(live_server, settings):
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        body = json.dumps({"title": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
        connection.request("POST", SOLUTIONS, body=body,
                           headers={"Content-Type": "application/json"})
        response = connection.getresponse()
        assert response.status == 413
        assert json.loads(response.read())["status"] == 413
    finally:
        connection.close()


def test_the_refusal_is_in_the_readers_language(api_as, vendor_user, small_bodies):
    response = api_as(vendor_user).post(SOLUTIONS, data="x" * 20_000,
                                        content_type="application/json",
                                        HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 413
    assert "请求体为 20000 字节" in problem(response)["detail"]


def test_too_many_form_fields_get_a_400_in_problem_details(api_as, vendor_user, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"field{i}=x" for i in range(20))
    response = api_as(vendor_user).post(SOLUTIONS, data=body,
                                        content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in problem(response)["detail"]
    assert not Solution.objects.exists()


@pytest.mark.parametrize("path, name", [
    # A filter by such a code reached PostgreSQL, which cannot compare text with a NUL: 500.
    ("/api/v1/solutions/?scenario=2025%0028", "scenario"),
    ("/api/v1/search/?q=spindle&region=CN%00JS", "region"),
    ("/api/v1/solutions/?sce%00nario=x", "sce%00nario"),
])
def test_a_query_parameter_with_a_nul_gets_400_naming_it(client, path, name):
    response = client.get(path)
    assert response.status_code == 400
    details = problem(response)
    assert details["status"] == 400 and f"parameter {name} holds a NUL" in details["detail"]


def test_a_web_page_with_a_nul_in_its_query_gets_400(client):
    response = client.get("/search/?q=a%00b")
    assert response.status_code == 400
    assert "parameter q holds a NUL" in response.content.decode()
