"""Writing validated catalog records through the apps' own services, in one transaction,
skipping whatever is already as the file says, so that importing the same file again writes
nothing at all.

Who writes: the operator, as `operator_actor()` (operator staff, else a superuser, else the
system user `importer` of the operator organisation). That user is the system actor of an
import: it is recorded where the product records an author (a solution's and a need's
created_by, the review event of an imported publication, `solution.updated`'s actor_id). The
operator vouches for the file, so the services' checks of *who* — a member of the vendor, an
admin of the organisation — which guard people acting for their own organisation, are not
asked; their checks of *what* (the models' fields, the caps, the rules across fields) are
the same as the API's and the admin's:

- organisations: accounts.services.create_organization / change_profile (a profile changed by
  a file is not announced, as before: update_organization announces people's edits);
- enterprise profiles: marketplace.services.save_enterprise_profile;
- solutions: catalog.services.check_caps and write_content (a new one is born a draft), then
  catalog.workflow.record_import to publish;
- needs: marketplace.services.create_need (announced as `need.created`, as when an enterprise
  posts one) and change_need.

A ValidationError from a service (a check the file's validation does not make) becomes an
error naming the record's line, and nothing is written, as for any bad line.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from tqdm import tqdm

from accounts.models import Organization, User
from accounts.services import add_member, change_profile, create_organization, create_user
from catalog import workflow
from catalog.models import Solution, SolutionStatus
from catalog.services import check_caps, write_content
from core.outbox import emit
from marketplace.models import Need
from marketplace.services import change_need, create_need, save_enterprise_profile

from .schema import TYPES
from .validation import CatalogImportError, LineError

OPERATIONS_NAME, OPERATIONS_NAME_ZH = "Zhizao Hub Operations", "智造汇运营中心"
IMPORTER_USERNAME = "importer"
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
PLURALS = {"vendor": "vendors", "enterprise": "enterprises", "solution": "solutions",
           "need": "needs"}
# Keeps `external_ref IN (…)` under SQLite's limit on query parameters.
CHUNK = 500


class ImportActorError(Exception):
    """No operator user can be named as the importer."""


@dataclass
class ImportReport:
    """What an import did, per type: created, updated and unchanged counts."""

    counts: dict = field(default_factory=lambda: {kind: Counter() for kind in TYPES})
    published: int = 0

    def add(self, kind, outcome):
        self.counts[kind][outcome] += 1

    @property
    def changed(self):
        return any(c[CREATED] or c[UPDATED] for c in self.counts.values()) or self.published > 0

    def summary(self):
        parts = [
            f"{PLURALS[kind]} {c[CREATED]} created, {c[UPDATED]} updated, "
            f"{c[UNCHANGED]} unchanged"
            for kind, c in self.counts.items()
        ]
        published = f" ({self.published} newly published)" if self.published else ""
        return f"Catalog imported: {'; '.join(parts)}{published}."


def operations():
    """The operator organisation the demo and the importer user belong to (made on first
    need)."""
    found = Organization.objects.filter(kind=Organization.Kind.OPERATOR,
                                        name=OPERATIONS_NAME).first()
    return found or create_organization(kind=Organization.Kind.OPERATOR, name=OPERATIONS_NAME,
                                        name_zh=OPERATIONS_NAME_ZH)


def operator_actor():
    """Who imports are recorded as: operator staff, else a superuser, else a system user
    `importer` in the operator organisation (both made on first need)."""
    staff = User.objects.filter(
        is_active=True, service_organization__isnull=True,
        memberships__organization__kind=Organization.Kind.OPERATOR,
    ).order_by("pk").first()
    if staff is not None:
        return staff
    superuser = User.objects.filter(is_active=True, is_superuser=True).order_by("pk").first()
    if superuser is not None:
        return superuser
    if User.objects.filter(username=IMPORTER_USERNAME).exists():
        # Someone could sign up as "importer"; never hand operator rights to that account.
        raise ImportActorError(
            f"A user named {IMPORTER_USERNAME!r} exists outside the operator organisation; "
            "add an operator user (or a superuser) and import again."
        )
    importer = create_user(username=IMPORTER_USERNAME, password=None,
                           first_name="Catalog importer")
    add_member(organization=operations(), user=importer)
    return importer


def _differs(instance, fields):
    """The names of `fields` whose values differ from the instance's."""
    return [name for name, value in fields.items() if getattr(instance, name) != value]


def _relations_differ(instance, name, pks):
    return {obj.pk for obj in getattr(instance, name).all()} != set(pks)


def _case_study_rows(solution):
    """The solution's case studies in the shape the file gives them, for comparison."""
    return [
        {
            "client": study.client,
            "industry_id": study.industry_id,
            "region_id": study.region_id,
            "year": study.year,
            "summary": study.summary,
            "outcomes": [
                {"metric": o.metric, "unit": o.unit, "before": o.before, "after": o.after}
                for o in study.outcomes.all()
            ],
        }
        for study in solution.case_studies.all()
    ]


def _chunks(items, size=CHUNK):
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _line_errors(record, exc):
    label = f"{record.type} {record.ref}"
    if not hasattr(exc, "error_dict"):
        return [LineError(record.line, f"{label}: {message}") for message in exc.messages]
    return [LineError(record.line, f"{label}: {name}: {message}")
            for name, errors in exc.message_dict.items() for message in errors]


class CatalogWriter:
    """Writes records type by type (vendors before the solutions that name them)."""

    def __init__(self, actor=None):
        self._actor = actor
        self.report = ImportReport()
        self._organizations = {"vendor": {}, "enterprise": {}}

    @property
    def actor(self):
        if self._actor is None:
            self._actor = operator_actor()
        return self._actor

    def write(self, records, *, progress=False):
        by_type = {kind: [r for r in records if r.type == kind] for kind in TYPES}
        errors = []
        with tqdm(total=len(records), desc="Importing", unit="record",
                  disable=not progress, delay=0.5) as bar, transaction.atomic():
            for kind in TYPES:
                write_one = getattr(self, f"_write_{kind}")
                for chunk in _chunks(by_type[kind]):
                    existing = self._existing(kind, [r.ref for r in chunk])
                    for record in chunk:
                        try:
                            outcome = write_one(record, existing.get(record.ref))
                        except ValidationError as exc:
                            errors.extend(_line_errors(record, exc))
                        else:
                            self.report.add(kind, outcome)
                        bar.update()
                if errors:
                    # Rolls the whole import back, as a bad line found by validation would
                    # (before the next type, whose lines may name what failed).
                    raise CatalogImportError(errors)
        return self.report

    def _existing(self, kind, refs):
        if kind == "vendor":
            qs = Organization.objects.filter(kind=kind)
        elif kind == "enterprise":
            qs = Organization.objects.filter(kind=kind).select_related("enterprise_profile")
        elif kind == "solution":
            qs = Solution.objects.prefetch_related(
                "scenarios", "stages", "industries", "technologies", "regions",
                "case_studies__outcomes",
            )
        else:
            qs = Need.objects.prefetch_related("stages", "scenarios")
        return {obj.external_ref: obj for obj in qs.filter(external_ref__in=refs)}

    def _organization(self, kind, ref):
        known = self._organizations[kind]
        if ref not in known:
            # Validation saw it in the database; it was imported by an earlier file.
            known[ref] = Organization.objects.get(kind=kind, external_ref=ref)
        return known[ref]

    def _write_organization(self, kind, record, organization):
        fields = record.values["fields"]
        if organization is None:
            organization = create_organization(kind=kind, external_ref=record.ref, **fields)
            outcome = CREATED
        else:
            outcome = UPDATED if change_profile(organization, fields) else UNCHANGED
        self._organizations[kind][record.ref] = organization
        return organization, outcome

    def _write_vendor(self, record, organization):
        return self._write_organization("vendor", record, organization)[1]

    def _write_enterprise(self, record, organization):
        organization, outcome = self._write_organization("enterprise", record, organization)
        if save_enterprise_profile(organization, **record.values["profile"]):
            return UPDATED if outcome == UNCHANGED else outcome
        return outcome

    def _write_solution(self, record, solution):
        values = record.values
        vendor = self._organization("vendor", values["vendor"])
        fields = {**values["fields"], "vendor_id": vendor.pk}
        if solution is None:
            # Born a draft: only the workflow moves it on, recorded as an import below.
            solution = Solution(external_ref=record.ref, status=SolutionStatus.DRAFT,
                                created_by=self.actor)
            content = {**fields, **values["relations"], "case_studies": values["case_studies"]}
            outcome = CREATED
        else:
            content = {name: fields[name] for name in _differs(solution, fields)}
            content.update({name: pks for name, pks in values["relations"].items()
                            if _relations_differ(solution, name, pks)})
            if _case_study_rows(solution) != values["case_studies"]:
                content["case_studies"] = values["case_studies"]
            outcome = UPDATED if content else UNCHANGED
        if content:
            check_caps(content)
            write_content(solution, content, bulk=True)
        if outcome == UPDATED and solution.status == SolutionStatus.PUBLISHED:
            # Search indexes published solutions from their events; tell it what changed.
            emit("solution.updated", solution, vendor_id=solution.vendor_id,
                 actor_id=self.actor.pk, source="import", fields=list(content))
        # "draft" in the file never pulls a solution back: status moves belong to the workflow.
        if values["status"] == "published" and solution.status != SolutionStatus.PUBLISHED:
            workflow.record_import(solution, self.actor)
            self.report.published += 1
            if outcome == UNCHANGED:
                outcome = UPDATED
        return outcome

    def _write_need(self, record, need):
        values = record.values
        enterprise = self._organization("enterprise", values["enterprise"])
        fields = {**values["fields"], **values["relations"]}
        if need is None:
            # As when an enterprise posts a need: matching picks it up from the outbox.
            create_need(created_by=self.actor, enterprise=enterprise,
                        data={"external_ref": record.ref, **fields}, source="import")
            return CREATED
        changed = change_need(need, {"enterprise_id": enterprise.pk, **fields})
        return UPDATED if changed else UNCHANGED
