"""Bulk export: the published catalog as JSON Lines in the import format, streamed; it
round-trips through the catalog import."""

import json
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services as accounts
from accounts.models import Organization
from catalog.models import Industry, LifecycleStage, Region, Solution
from catalog.services import replace_case_studies
from importer.services import import_catalog
from tests.factories import SolutionFactory, VendorFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/solutions/export/"


@pytest.fixture(autouse=True)
def own_throttle_counts(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"export-{uuid.uuid4().hex}",
        }
    }


def lines_of(response):
    assert response.status_code == 200, getattr(response, "content", b"")
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    assert body.endswith("\n")
    return body.splitlines()


def key_client(organization, admin, scopes):
    _, raw = accounts.create_api_key(
        actor=admin, organization=organization, name="Sync", scopes=scopes
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return client


def published(vendor, **fields):
    solution = SolutionFactory(
        vendor=vendor, status="published", published_at=timezone.now(), **fields
    )
    return solution


@pytest.fixture
def catalog(db):
    acme = VendorFactory(
        name="Acme Automation",
        name_zh="艾克姆自动化",
        region="CN-JS",
        website="https://acme.example.com",
        description="PLC retrofits",
        credit_code="91320500MA1XXXXXXC",
    )
    gears = VendorFactory(name="Gears Ltd", region="CN-ZJ")
    first = published(acme, language="zh", price_min_cny=Decimal("12.50"))
    first.stages.set(LifecycleStage.objects.filter(code="manufacturing"))
    replace_case_studies(
        first,
        [
            {
                "client": "Wuxi Spindles",
                "industry_id": Industry.objects.get(code="machine-tools").pk,
                "region_id": Region.objects.get(code="CN-JS").pk,
                "year": 2024,
                "summary": "Fewer stops",
                "outcomes": [
                    {
                        "metric": "unplanned downtime",
                        "unit": "h/month",
                        "before": Decimal("120"),
                        "after": Decimal("70.5"),
                    }
                ],
            }
        ],
    )
    second = published(
        gears,
        industries=["machine-tools", "general-equipment"],
        technologies=["iiot", "ai-ml"],
        price_max_cny=None,
        delivery_weeks=None,
    )
    draft = SolutionFactory(vendor=gears)
    archived = SolutionFactory(
        vendor=VendorFactory(region="CN-SH"), status="archived", published_at=timezone.now()
    )
    return {"published": [first, second], "hidden": [draft, archived]}


def test_export_streams_vendors_then_published_solutions_as_json_lines(
    api_as, vendor_user, catalog
):
    response = api_as(vendor_user).get(URL)
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert "attachment" in response["Content-Disposition"]
    records = [json.loads(line) for line in lines_of(response)]
    assert [r["type"] for r in records] == ["vendor", "vendor", "solution", "solution"]
    refs = {r["ref"] for r in records if r["type"] == "solution"}
    assert refs == {f"solution-{s.pk}" for s in catalog["published"]}
    first = records[2]
    assert first["language"] == "zh"
    assert first["title"] == catalog["published"][0].title_zh
    assert first["title_en"] == catalog["published"][0].title_en
    assert first["price_min_cny"] == 12.5
    assert first["stages"] == ["manufacturing"]
    assert "stages" not in records[3]  # optional keys with no value are left out
    assert first["case_studies"][0]["outcomes"][0] == {
        "metric": "unplanned downtime",
        "unit": "h/month",
        "before": 120,
        "after": 70.5,
    }


def test_export_round_trips_through_the_import_into_an_empty_catalog(api_as, vendor_user, catalog):
    lines = lines_of(api_as(vendor_user).get(URL))
    expected = {s.pk: _content(s) for s in catalog["published"]}
    refs = {f"solution-{pk}": content for pk, content in expected.items()}
    vendor_ids = {s.vendor_id for s in Solution.objects.all()}
    Solution.objects.all().delete()
    Organization.objects.filter(pk__in=vendor_ids).delete()

    report = import_catalog(lines)
    assert report.published == 2
    imported = {s.external_ref: _content(s) for s in Solution.objects.all()}
    assert imported == refs
    # And the new catalog exports the very same file.
    assert lines_of(api_as(vendor_user).get(URL)) == lines


def _content(solution):
    solution = Solution.objects.get(pk=solution.pk)
    return {
        "vendor": (
            solution.vendor.name,
            solution.vendor.name_zh,
            solution.vendor.region,
            solution.vendor.website,
            solution.vendor.credit_code,
        ),
        "status": solution.status,
        "texts": [
            getattr(solution, f"{part}_{lang}")
            for part in ("title", "summary", "description")
            for lang in ("en", "zh")
        ],
        "language": solution.language,
        "taxonomy": {
            name: sorted(getattr(solution, name).values_list("code", flat=True))
            for name in ("scenarios", "stages", "industries", "technologies", "regions")
        },
        "numbers": (
            solution.maturity_from,
            solution.maturity_to,
            solution.deployment,
            solution.price_min_cny,
            solution.price_max_cny,
            solution.delivery_weeks,
        ),
        "case_studies": [
            (
                c.client,
                c.industry_id,
                c.region_id,
                c.year,
                c.summary,
                [(o.metric, o.unit, o.before, o.after) for o in c.outcomes.all()],
            )
            for c in solution.case_studies.all()
        ],
    }


def test_updated_since_limits_the_export(api_as, vendor_user, catalog):
    old, recent = catalog["published"]
    Solution.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=3))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    records = [
        json.loads(line)
        for line in lines_of(api_as(vendor_user).get(URL, {"updated_since": since}))
    ]
    assert [(r["type"], r["ref"]) for r in records] == [
        ("vendor", f"vendor-{recent.vendor_id}"),
        ("solution", f"solution-{recent.pk}"),
    ]


def test_bad_updated_since_is_a_400_naming_it(api_as, vendor_user):
    response = api_as(vendor_user).get(URL, {"updated_since": "last week"})
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]


def test_export_needs_catalog_read(api, vendor, vendor_user, catalog):
    assert api.get(URL).status_code in (401, 403)
    refused = key_client(vendor, vendor_user, ["solutions:write"]).get(URL)
    assert refused.status_code == 403
    allowed = key_client(vendor, vendor_user, ["catalog:read"]).get(URL)
    assert len(lines_of(allowed)) == 4


def test_queries_do_not_grow_with_the_catalog(
    api_as, vendor_user, catalog, django_assert_max_num_queries
):
    client = api_as(vendor_user)
    with django_assert_max_num_queries(20) as few:
        lines_of(client.get(URL))
    vendor = VendorFactory(region="CN-JS")
    for _ in range(15):
        published(vendor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(lines_of(client.get(URL))) == 4 + 1 + 15
