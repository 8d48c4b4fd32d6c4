"""The plan's targets: a public national summary, the operator's dashboard with breakdowns
and the supply-demand gap map, and the dashboard's figures as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors as people

from .. import charts, progress


def _first_targets(targets):
    """The earliest year's target per code: the trend is drawn as a share of it."""
    first = {}
    for target in sorted(targets, key=lambda t: t["year"]):
        first.setdefault(target["code"], target)
    return first


def _trend_chart(figures):
    months = [point["month"] for point in figures["trend"]]
    series = []
    for index, (code, target) in enumerate(_first_targets(figures["targets"]).items()):
        metric = progress.TARGET_METRICS.get(code, (None,))[0]
        if metric is None or not target["target"]:
            continue
        values = [
            round(100 * point[metric] / target["target"], 1)
            if point.get(metric) is not None else None
            for point in figures["trend"]
        ]
        label = f"{target['name']} ({target['year']})"
        series.append((label, f"series-{index % 3}", values))
    return charts.trend(months, series)


def _progress_bars(figures):
    for target in figures["targets"]:
        progress_value = target["progress"] or 0
        target["bar_width"] = f"{min(100.0, 100 * progress_value):.1f}"
        target["percent"] = round(100 * progress_value, 1)
    return figures["targets"]


def targets_summary(request):
    """Public: the national progress toward each target, and the trend."""
    figures = progress.summary_figures()
    return render(request, "maturity/targets_summary.html", {
        "figures": figures,
        "targets": _progress_bars(figures),
        "trend_chart": _trend_chart(figures),
        "is_operator": people.is_operator(request.user),
    })


def _require_operator(user):
    if not people.is_operator(user):
        raise PermissionDenied(_("The targets dashboard is for the operator's staff."))


@login_required
def targets_dashboard(request):
    _require_operator(request.user)
    figures = progress.dashboard_figures()
    gap_rows = figures["gap_map"]
    return render(request, "maturity/targets_dashboard.html", {
        "figures": figures,
        "targets": _progress_bars(figures),
        "trend_chart": _trend_chart(figures),
        "gap_chart": charts.butterfly([
            {"label": f"{row['code']} {row['name']}", "left": row["open_needs"],
             "right": row["published_solutions"]} for row in gap_rows
        ]),
        "region_bars": charts.bars(
            [(row["name"] or _("Not given"), row["share_l2plus"] * 100)
             for row in figures["by_region"] if row["active_enterprises"]], max_value=100),
        "level_bars": charts.bars(
            [(row["level"], row["count"]) for row in figures["enterprise_levels"]]),
    })


def _safe(value):
    """Spreadsheets run text cells that start like a formula; quote those."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return f"'{value}"
    return value


def csv_rows(figures):
    """The dashboard's figures in long form: section, code, name, metric, value."""
    yield ["section", "code", "name", "metric", "value"]
    for target in figures["targets"]:
        code = f"{target['code']}:{target['year']}"
        for metric in ("target", "current", "progress"):
            yield ["target", code, target["name"], metric, target[metric]]
    for metric, value in figures["headline"].items():
        yield ["national", "", "", metric, value]
    for row in figures["enterprise_levels"]:
        level = "unassessed" if row["level"] is None else row["level"]
        yield ["enterprise_level", level, "", "active_enterprises", row["count"]]
    for row in figures["factories_by_tier"]:
        for status in ("verified", "pending", "rejected"):
            yield ["factory_tier", row["code"], row["name"], status, row[status]]
    for section in ("by_region", "by_industry"):
        for row in figures[section]:
            for metric, value in row.items():
                if metric not in ("code", "name"):
                    yield [section[3:], row["code"] or "", row["name"], metric, value]
    for row in figures["gap_map"]:
        for metric in ("open_needs", "published_solutions", "gap", "needs_per_solution"):
            yield ["gap_map", row["code"], row["name"], metric, row[metric]]
    for point in figures["trend"]:
        for metric, value in point.items():
            if metric != "month":
                yield ["trend", point["month"], "", metric, value]


@login_required
def targets_csv(request):
    _require_operator(request.user)
    figures = progress.dashboard_figures()
    stamp = timezone.localdate().isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="zhizao-targets-{stamp}.csv"'
    # A byte-order mark lets spreadsheet software read the Chinese names as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    for row in csv_rows(figures):
        writer.writerow([_safe(cell) for cell in row])
    return response
