"""What the review pages show, shaped for the templates: histories, check results and
submitted content. Reads only; the rules live in catalog.services and catalog.workflow."""

from decimal import Decimal

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from catalog import revisions, workflow
from catalog.markdown import render_markdown
from catalog.models import (
    CheckResult,
    ReviewReason,
    RevisionStatus,
    Solution,
    SolutionRevision,
    SolutionStatus,
    in_reader_language,
)

from ..forms import person_name

SOLUTION_STATUS_LABELS = dict(SolutionStatus.choices)
REVISION_STATUS_LABELS = dict(RevisionStatus.choices)
OTHER_REASON_LABELS = {"imported": _("Imported from a catalog file")}

SEVERITY_TONES = {
    CheckResult.Severity.OK: "success",
    CheckResult.Severity.WARNING: "warning",
    CheckResult.Severity.ERROR: "danger",
}
SEVERITY_ORDER = {"error": 0, "warning": 1, "ok": 2}  # the worst first
CHECK_LABELS = {
    "completeness": _("Completeness"),
    "near_duplicate": _("Near-duplicates"),
    "outcomes": _("Outcome figures"),
    "links": _("Links"),
    "attachments": _("Attachments"),
    "taxonomy": _("Taxonomy"),
}
# Keys of check details that read better with a name (others are shown humanised).
DETAIL_LABELS = {
    "missing": _("Missing"),
    "closest": _("Most similar listings"),
    "outcomes": _("Outcome figures"),
    "links": _("Links"),
    "attachments": _("Attachments"),
    "problems": _("Problems"),
    # Every key the checks write (catalog.checks, search.checks), so none reads in English.
    "checked": _("Checked"),
    "not_checked": _("Not checked"),
    "broken": _("Broken links"),
    "example_addresses": _("Example addresses, not checked"),
    "invalid": _("Invalid attachments"),
    "unknown": _("Unknown codes"),
    "stages_without_scenario": _("Stages without a scenario"),
    "threshold": _("Similarity threshold"),
    "rows_checked": _("Outcome rows checked"),
    "rows": _("Outcome rows with problems"),
    "error": _("Error"),
    "url": _("Address"),
    "found_in": _("Found in"),
    "status": _("Status"),
    "name": _("File name"),
    "content_type": _("File type"),
    "case_study": _("Case study"),
    "row": _("Row"),
    "field": _("Field"),
    "client": _("Client"),
    "metric": _("Metric"),
    "errors": _("Errors"),
    "warnings": _("Warnings"),
}
# The items of the completeness check (catalog.checks.content.COMPLETENESS_ITEMS).
COMPLETENESS_LABELS = {
    "title_en": _("English title"),
    "title_zh": _("Chinese title"),
    "summary": _("Summary"),
    "description": _("Description"),
    "scenarios": _("Scenarios"),
    "industries": _("Industries served"),
    "technologies": _("Technologies"),
    "regions": _("Regions served"),
    "price_range": _("Price range"),
    "delivery_weeks": _("Delivery time"),
    "case_study": _("A case study"),
    "case_study_outcomes": _("Measured outcomes in a case study"),
}


def status_label(status, is_revision=False):
    labels = REVISION_STATUS_LABELS if is_revision else SOLUTION_STATUS_LABELS
    return labels.get(status, status)


def history_rows(events):
    """Review events, oldest first, with readable statuses, reasons and first approvals."""
    events = list(events)
    codes = {code for event in events for code in event.reason_codes or []}
    reason_labels = {reason.code: reason.label
                     for reason in ReviewReason.objects.filter(code__in=codes)}
    numbers = dict(SolutionRevision.objects.filter(
        pk__in={event.revision_id for event in events if event.revision_id}
    ).values_list("pk", "number"))
    for event in events:
        event.revision_number = numbers.get(event.revision_id)
        is_revision = event.revision_id is not None
        event.from_label = status_label(event.from_status, is_revision)
        event.to_label = status_label(event.to_status, is_revision)
        event.is_first_approval = workflow.FIRST_APPROVAL in (event.reason_codes or [])
        event.reason_labels = [
            reason_labels.get(code) or OTHER_REASON_LABELS.get(code, code)
            for code in event.reason_codes or [] if code != workflow.FIRST_APPROVAL
        ]
        event.actor_name = person_name(event.actor) if event.actor else None
    return events


def latest_feedback(events):
    """The latest reviewer comment on a decision, from already loaded events."""
    commented = [event for event in events
                 if event.comment and (event.to_status in workflow.DECISION_STATUSES
                                       or workflow.FIRST_APPROVAL in (event.reason_codes or []))]
    return commented[-1] if commented else None


def _humanise(key):
    return DETAIL_LABELS.get(key) or str(key).replace("_", " ").capitalize()


def _list_item(item):
    """One entry of a listed detail: a problem dict reads as its message plus the rest."""
    if isinstance(item, dict):
        text = item.get("message") or item.get("title") or item.get("url") or ""
        extra = [(_humanise(key), _flat(value)) for key, value in item.items()
                 if value not in (None, "", [], {}) and value != text]
        return {"text": text, "extra": extra}
    return {"text": item, "extra": []}


def _flat(value):
    """A nested value on one line: lists joined by commas."""
    if isinstance(value, list | tuple):
        return ", ".join(str(_flat(item)) for item in value)
    return value


def _detail_section(key, value):
    section = {"key": key, "label": _humanise(key)}
    if key == "missing" and isinstance(value, list):
        section.update(kind="missing", items=[
            {"code": code, "label": COMPLETENESS_LABELS.get(code, _humanise(code))}
            for code in value
        ])
    elif key == "closest" and isinstance(value, list):
        section.update(kind="closest", items=[
            {**entry, "percent": _percent(entry.get("similarity"))}
            for entry in value if isinstance(entry, dict)
        ])
    elif isinstance(value, list | tuple):
        section.update(kind="list", items=[_list_item(item) for item in value])
    elif isinstance(value, dict):
        section.update(kind="mapping", items=[(_humanise(k), _flat(v)) for k, v in value.items()])
    else:
        section.update(kind="value", value=value)
    return section


def _percent(value):
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return None


def check_rows(results):
    """The results of the latest submission only, each with its details in sections."""
    results = list(results)
    if not results:
        return [], None
    latest = max(result.submission for result in results)
    rows = sorted((r for r in results if r.submission == latest),
                  key=lambda r: (SEVERITY_ORDER.get(r.severity, 1), r.code))
    for row in rows:
        row.tone = SEVERITY_TONES.get(row.severity, "neutral")
        row.label = CHECK_LABELS.get(row.code) or _humanise(row.code)
        row.sections = [_detail_section(key, value) for key, value in (row.details or {}).items()
                        if value not in (None, "", [], {})]
        row.sentence = check_sentence(row.code, row.passed, row.details or {}, row.message)
    return rows, latest


class SubmittedContent:
    """A snapshot (catalog.revisions) read like a solution: names instead of codes."""

    def __init__(self, content):
        self.content = content
        get = content.get
        self.title_en, self.title_zh = get("title_en") or "", get("title_zh") or ""
        self.title = in_reader_language(self.title_en, self.title_zh)
        self.summary = in_reader_language(get("summary_en") or "", get("summary_zh") or "")
        self.description_html = render_markdown(
            in_reader_language(get("description_en") or "", get("description_zh") or "")
        )
        self.language_label = dict(Solution.Language.choices).get(get("language"), "")
        self.deployment_label = dict(Solution.Deployment.choices).get(get("deployment"), "")
        self.maturity_from, self.maturity_to = get("maturity_from"), get("maturity_to")
        self.price_min_cny = decimal_or_none(get("price_min_cny"))
        self.price_max_cny = decimal_or_none(get("price_max_cny"))
        self.delivery_weeks = get("delivery_weeks")
        names = taxonomy_lookup(content)
        for name in revisions.RELATIONS:
            setattr(self, name, Named(names[name][code] for code in get(name) or []
                                      if code in names[name]))
        self.case_studies = [case_study_view(study, names) for study in get("case_studies") or []]

    @property
    def all_stages(self):
        stages = {scenario.stage for scenario in self.scenarios} | set(self.stages)
        return sorted(stages, key=lambda stage: stage.position)


class Named(list):
    """Taxonomy objects that templates can read like a related manager (`.all`)."""

    def all(self):
        return self


def decimal_or_none(value):
    return None if value in (None, "") else Decimal(value)


def taxonomy_lookup(*contents):
    """code → object for every relation and case-study industry/region the snapshots name."""
    wanted = {name: set() for name in revisions.RELATIONS}
    for content in contents:
        for name in revisions.RELATIONS:
            wanted[name].update(content.get(name) or [])
        for study in content.get("case_studies") or []:
            wanted["industries"].add(study.get("industry"))
            wanted["regions"].add(study.get("region"))
    names = {}
    for name, model in revisions.RELATIONS.items():
        qs = model.objects.filter(code__in=[code for code in wanted[name] if code])
        if name == "scenarios":
            qs = qs.select_related("stage")
        names[name] = {obj.code: obj for obj in qs}
    return names


def case_study_view(study, names):
    """A case study of a snapshot with names and each outcome's change in percent."""
    outcomes = []
    for outcome in study.get("outcomes") or []:
        before = decimal_or_none(outcome.get("before"))
        after = decimal_or_none(outcome.get("after"))
        change = (after - before) / abs(before) * 100 if before and after is not None else None
        outcomes.append({**outcome, "before": before, "after": after, "change_percent": change})
    industry = names["industries"].get(study.get("industry"))
    region = names["regions"].get(study.get("region"))
    return {
        "client": study.get("client") or "",
        "year": study.get("year"),
        "summary": study.get("summary") or "",
        "industry": industry.name if industry else "",
        "region": region.name if region else "",
        "outcomes": outcomes,
    }


# --- check results as sentences ------------------------------------------------------------
# Each check's outcome in one line of the reader's language, built from its details; the
# details themselves (raw error text included) are folded away under "Technical detail".


def _joined(items):
    return gettext(", ").join(str(item) for item in items if item not in (None, ""))


def _links_sentence(passed, details):
    broken = [item for item in details.get("broken") or details.get("links") or []
              if isinstance(item, dict)]
    checked = details.get("checked") or 0
    not_checked = details.get("not_checked") or []
    if broken:
        urls = _joined(item.get("url") for item in broken)
        text = ngettext("One link could not be reached: %(links)s.",
                        "%(count)d links could not be reached: %(links)s.",
                        len(broken)) % {"count": len(broken), "links": urls}
    elif checked:
        text = ngettext("The link answered.", "All %(count)d links answered.",
                        checked) % {"count": checked}
    else:
        text = gettext("No links to check.")
    if not_checked:
        text += " " + ngettext("%(count)d more link was not checked.",
                               "%(count)d more links were not checked.",
                               len(not_checked)) % {"count": len(not_checked)}
    return text


def _near_duplicate_sentence(passed, details):
    closest = [item for item in details.get("closest") or [] if isinstance(item, dict)]
    if "error" in details and not closest:
        return gettext("Could not look for near duplicates: the search was unavailable. "
                       "Compare with similar listings by hand.")
    if not closest:
        return gettext("No listing in the catalog is close to this one.")
    top = closest[0]
    values = {"title": top.get("title") or top.get("id"), "vendor": top.get("vendor") or "—",
              "percent": _percent(top.get("similarity")) or 0}
    if passed:
        return gettext("No near duplicate: the closest listing, “%(title)s” by %(vendor)s, "
                       "is %(percent)d%% similar.") % values
    return gettext("Looks like a near duplicate of “%(title)s” by %(vendor)s "
                   "(%(percent)d%% similar).") % values


def _completeness_sentence(passed, details):
    missing = details.get("missing") or []
    if not missing:
        return gettext("Everything a buyer looks for is filled in.")
    return gettext("Missing: %(items)s.") % {
        "items": _joined(COMPLETENESS_LABELS.get(code, _humanise(code)) for code in missing)}


def _taxonomy_sentence(passed, details):
    parts = []
    missing = details.get("missing") or []
    if missing:
        parts.append(gettext("Required tags missing: %(items)s.") % {
            "items": _joined(COMPLETENESS_LABELS.get(code, _humanise(code))
                             for code in missing)})
    unknown = [item for item in details.get("unknown") or [] if isinstance(item, dict)]
    if unknown:
        parts.append(ngettext("One code is not in the taxonomy: %(codes)s.",
                              "%(count)d codes are not in the taxonomy: %(codes)s.",
                              len(unknown)) % {"count": len(unknown),
                                               "codes": _joined(i.get("code") for i in unknown)})
    stray = details.get("stages_without_scenario") or []
    if stray:
        parts.append(gettext("Stages chosen without a scenario of that stage: %(codes)s.")
                     % {"codes": _joined(stray)})
    return " ".join(parts) or gettext("Tagged consistently with the taxonomy.")


def _outcomes_sentence(passed, details):
    rows = [row for row in details.get("rows") or [] if isinstance(row, dict)]
    bad = [row for row in rows if row.get("errors")]
    odd = [row for row in rows if not row.get("errors")]
    parts = []
    if bad:
        parts.append(ngettext("One outcome row has figures that cannot be used: %(rows)s.",
                              "%(count)d outcome rows have figures that cannot be used: "
                              "%(rows)s.", len(bad)) % {"count": len(bad), "rows": _rows(bad)})
    if odd:
        parts.append(ngettext("One outcome row looks implausible: %(rows)s.",
                              "%(count)d outcome rows look implausible: %(rows)s.",
                              len(odd)) % {"count": len(odd), "rows": _rows(odd)})
    if parts:
        return " ".join(parts)
    checked = details.get("rows_checked") or 0
    if checked:
        return ngettext("The outcome row is plausible.", "All %(count)d outcome rows are "
                        "plausible.", checked) % {"count": checked}
    return gettext("No outcome figures to check.")


def _rows(rows):
    return _joined(" – ".join(str(v) for v in (row.get("client"), row.get("metric")) if v)
                   for row in rows)


def _attachments_sentence(passed, details):
    invalid = [item for item in details.get("invalid") or [] if isinstance(item, dict)]
    if invalid:
        return ngettext("One attachment is not valid: %(names)s.",
                        "%(count)d attachments are not valid: %(names)s.", len(invalid)) % {
            "count": len(invalid),
            "names": _joined(item.get("title") or item.get("name") for item in invalid)}
    checked = details.get("checked") or 0
    if checked:
        return ngettext("The attachment is valid.", "All %(count)d attachments are valid.",
                        checked) % {"count": checked}
    return gettext("No attachments.")


CHECK_SENTENCES = {
    "links": _links_sentence,
    "near_duplicate": _near_duplicate_sentence,
    "completeness": _completeness_sentence,
    "taxonomy": _taxonomy_sentence,
    "outcomes": _outcomes_sentence,
    "attachments": _attachments_sentence,
}
CRASH_KEYS = {"error"}  # catalog.checks._crashed: a check that raised stores only this


def check_sentence(code, passed, details, message=""):
    """One check's result as a sentence in the reader's language (never raw error text)."""
    if not passed and set(details) == CRASH_KEYS:
        return gettext("This check could not run; a reviewer should look at this aspect "
                       "by hand.")
    build = CHECK_SENTENCES.get(code)
    if build is not None:
        try:
            return build(passed, details)
        except (TypeError, ValueError, AttributeError):
            pass  # details of an unexpected shape: the stored message says it
    return gettext(message) if message else ""
