"""The published catalog as JSON Lines in the import format (shared import-format.md), so a
partner (or another Zhizao Hub) can load it with `import_catalog`: vendor lines first, then
their solutions. Streamed in chunks, in constant memory whatever the catalog's size."""

import json
from decimal import Decimal

from django.db.models import Prefetch
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.views import APIView

from accounts.api.policy import Access
from accounts.models import Organization
from catalog.models import CaseStudy, CaseStudyOutcome, Solution, SolutionStatus

JSON_LINES = "application/x-ndjson"
CHUNK_SIZE = 200
TAXONOMY = ("scenarios", "stages", "industries", "technologies", "regions")
TEXTS = ("title", "summary", "description")


class JSONLinesRenderer(BaseRenderer):
    """Lets clients ask for JSON Lines; an error is then one line of problem details."""

    media_type = JSON_LINES
    format = "jsonl"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return (json.dumps(data, ensure_ascii=False) + "\n").encode()


class ExportParams(serializers.Serializer):
    updated_since = serializers.DateTimeField(required=False)


def _number(value):
    """Money and measures as JSON numbers the importer reads back exactly."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _ref(obj, kind):
    return obj.external_ref or f"{kind}-{obj.pk}"


def _compact(record):
    """Leave out optional keys with no value, as the format's examples do."""
    return {key: value for key, value in record.items() if value not in (None, "", [])}


def vendor_line(vendor):
    return _compact(
        {
            "type": "vendor",
            "ref": _ref(vendor, "vendor"),
            "name": vendor.name,
            "name_zh": vendor.name_zh,
            "region": vendor.region,
            "website": vendor.website,
            "description": vendor.description,
            "credit_code": vendor.credit_code,
        }
    )


def _case_study(study):
    return _compact(
        {
            "client": study.client,
            "industry": study.industry.code if study.industry_id else None,
            "region": study.region.code if study.region_id else None,
            "year": study.year,
            "summary": study.summary,
            "outcomes": [
                _compact(
                    {
                        "metric": o.metric,
                        "unit": o.unit,
                        "before": _number(o.before),
                        "after": _number(o.after),
                    }
                )
                for o in study.outcomes.all()
            ],
        }
    )


def solution_line(solution):
    own = solution.language
    other = "zh" if own == "en" else "en"
    texts = {part: getattr(solution, f"{part}_{own}") for part in TEXTS}
    texts.update({f"{part}_{other}": getattr(solution, f"{part}_{other}") for part in TEXTS})
    record = {
        "type": "solution",
        "ref": _ref(solution, "solution"),
        "vendor": _ref(solution.vendor, "vendor"),
        "language": own,
        **texts,
        **{name: sorted(item.code for item in getattr(solution, name).all()) for name in TAXONOMY},
        "maturity_from": solution.maturity_from,
        "maturity_to": solution.maturity_to,
        "deployment": solution.deployment,
        "price_min_cny": _number(solution.price_min_cny),
        "price_max_cny": _number(solution.price_max_cny),
        "delivery_weeks": solution.delivery_weeks,
        "case_studies": [_case_study(study) for study in solution.case_studies.all()],
        "status": "published",
    }
    line = _compact(record)
    # The format requires these keys even when empty.
    for name in ("industries", "technologies"):
        line.setdefault(name, [])
    return line


def published_solutions(updated_since=None):
    solutions = Solution.objects.filter(status=SolutionStatus.PUBLISHED)
    if updated_since is not None:
        solutions = solutions.filter(updated_at__gte=updated_since)
    return solutions


def export_lines(solutions, chunk_size=CHUNK_SIZE):
    """JSON Lines (str, each ending in a newline) of `solutions` and their vendors."""
    vendors = Organization.objects.filter(pk__in=solutions.values("vendor_id")).order_by("pk")
    for vendor in vendors.iterator(chunk_size=chunk_size):
        yield json.dumps(vendor_line(vendor), ensure_ascii=False) + "\n"
    studies = CaseStudy.objects.select_related("industry", "region").prefetch_related(
        Prefetch("outcomes", queryset=CaseStudyOutcome.objects.order_by("position", "id"))
    )
    detailed = (
        solutions.select_related("vendor")
        .prefetch_related(
            *TAXONOMY, Prefetch("case_studies", queryset=studies.order_by("position", "id"))
        )
        .order_by("pk")
    )
    for solution in detailed.iterator(chunk_size=chunk_size):
        yield json.dumps(solution_line(solution), ensure_ascii=False) + "\n"


class SolutionExportView(APIView):
    """The published catalog in the import format, as JSON Lines, streamed.

    Vendor lines come first, then their published solutions (oldest first); loading the file
    with the catalog import reproduces them. `updated_since` limits it to solutions changed
    since then (with their vendors). Needs an API key with `catalog:read`, or a session."""

    access = {"get": Access.signed_in("catalog:read")}
    renderer_classes = [JSONRenderer, JSONLinesRenderer]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "updated_since",
                OpenApiTypes.DATETIME,
                description="Only solutions updated at or after this ISO 8601 time.",
            )
        ],
        responses={
            (200, JSON_LINES): OpenApiResponse(
                OpenApiTypes.STR,
                description="One JSON object per line: vendors, then solutions (import format).",
            )
        },
    )
    def get(self, request):
        params = ExportParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        solutions = published_solutions(params.validated_data.get("updated_since"))
        response = StreamingHttpResponse(
            export_lines(solutions), content_type=f"{JSON_LINES}; charset=utf-8"
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="zhizao-catalog-{stamp}.jsonl"'
        return response
