"""Writing validated catalog records: upserts by ref, in one transaction, skipping whatever
is already as the file says, so that importing the same file again writes nothing at all."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from tqdm import tqdm

from accounts.models import Membership, Organization, User
from catalog import workflow
from catalog.models import Solution, SolutionStatus
from catalog.services import replace_case_studies
from core.outbox import emit
from marketplace.models import EnterpriseProfile, Need

from .schema import TYPES

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
    operations, _ = Organization.objects.get_or_create(
        kind=Organization.Kind.OPERATOR, name=OPERATIONS_NAME,
        defaults={"name_zh": OPERATIONS_NAME_ZH},
    )
    importer = User(username=IMPORTER_USERNAME, first_name="Catalog importer")
    importer.set_unusable_password()
    importer.save()
    Membership.objects.create(user=importer, organization=operations)
    return importer


def _assign(instance, fields):
    """Set the fields that differ; return their names."""
    changed = [name for name, value in fields.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, fields[name])
    return changed


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


class CatalogWriter:
    """Writes records type by type (vendors before the solutions that name them)."""

    def __init__(self, actor=None):
        self._actor = actor
        self.report = ImportReport()
        self._organization_ids = {"vendor": {}, "enterprise": {}}

    @property
    def actor(self):
        if self._actor is None:
            self._actor = operator_actor()
        return self._actor

    def write(self, records, *, progress=False):
        by_type = {kind: [r for r in records if r.type == kind] for kind in TYPES}
        with tqdm(total=len(records), desc="Importing", unit="record",
                  disable=not progress, delay=0.5) as bar, transaction.atomic():
            for kind in TYPES:
                write_one = getattr(self, f"_write_{kind}")
                for chunk in _chunks(by_type[kind]):
                    existing = self._existing(kind, [r.ref for r in chunk])
                    for record in chunk:
                        outcome = write_one(record, existing.get(record.ref))
                        self.report.add(kind, outcome)
                        bar.update()
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

    def _organization_id(self, kind, ref):
        known = self._organization_ids[kind]
        if ref not in known:
            # Validation saw it in the database; it was imported by an earlier file.
            known[ref] = Organization.objects.get(kind=kind, external_ref=ref).pk
        return known[ref]

    def _write_organization(self, kind, record, organization):
        fields = record.values["fields"]
        if organization is None:
            organization = Organization.objects.create(
                kind=kind, external_ref=record.ref, **fields
            )
            outcome = CREATED
        else:
            changed = _assign(organization, fields)
            if changed:
                organization.save(update_fields=[*changed, "updated_at"])
            outcome = UPDATED if changed else UNCHANGED
        self._organization_ids[kind][record.ref] = organization.pk
        return organization, outcome

    def _write_vendor(self, record, organization):
        return self._write_organization("vendor", record, organization)[1]

    def _write_enterprise(self, record, organization):
        organization, outcome = self._write_organization("enterprise", record, organization)
        fields = record.values["profile"]
        try:
            profile = organization.enterprise_profile
        except ObjectDoesNotExist:
            EnterpriseProfile.objects.create(organization=organization, **fields)
            return UPDATED if outcome == UNCHANGED else outcome
        if _assign(profile, fields):
            profile.save()
            return UPDATED if outcome == UNCHANGED else outcome
        return outcome

    def _write_solution(self, record, solution):
        values = record.values
        fields = {**values["fields"],
                  "vendor_id": self._organization_id("vendor", values["vendor"])}
        if solution is None:
            # Born a draft: only the workflow moves it on, recorded as an import below.
            solution = Solution.objects.create(
                external_ref=record.ref, status=SolutionStatus.DRAFT, created_by=self.actor,
                **fields,
            )
            for name, pks in values["relations"].items():
                getattr(solution, name).set(pks)
            replace_case_studies(solution, values["case_studies"])
            outcome = CREATED
        else:
            changed = _assign(solution, fields)
            if changed:
                solution.save(update_fields=[*changed, "updated_at"])
            for name, pks in values["relations"].items():
                if _relations_differ(solution, name, pks):
                    getattr(solution, name).set(pks)
                    changed.append(name)
            if _case_study_rows(solution) != values["case_studies"]:
                replace_case_studies(solution, values["case_studies"])
                changed.append("case_studies")
            outcome = UPDATED if changed else UNCHANGED
            if changed and solution.status == SolutionStatus.PUBLISHED:
                # Search indexes published solutions from their events; tell it what changed.
                emit("solution.updated", solution, vendor_id=solution.vendor_id,
                     actor_id=self.actor.pk, source="import", fields=changed)
        # "draft" in the file never pulls a solution back: status moves belong to the workflow.
        if values["status"] == "published" and solution.status != SolutionStatus.PUBLISHED:
            workflow.record_import(solution, self.actor)
            self.report.published += 1
            if outcome == UNCHANGED:
                outcome = UPDATED
        return outcome

    def _write_need(self, record, need):
        values = record.values
        fields = {**values["fields"],
                  "enterprise_id": self._organization_id("enterprise", values["enterprise"])}
        if need is None:
            need = Need.objects.create(external_ref=record.ref, created_by=self.actor, **fields)
            for name, pks in values["relations"].items():
                getattr(need, name).set(pks)
            # As when an enterprise posts a need: matching picks it up from the outbox.
            emit("need.created", need, enterprise_id=need.enterprise_id, source="import")
            return CREATED
        changed = _assign(need, fields)
        if changed:
            need.save(update_fields=[*changed, "updated_at"])
        for name, pks in values["relations"].items():
            if _relations_differ(need, name, pks):
                getattr(need, name).set(pks)
                changed.append(name)
        return UPDATED if changed else UNCHANGED
