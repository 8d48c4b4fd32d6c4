"""Web pages of the maturity app: the self-assessment and its results, the smart-factory
registry and the plan's targets. Reads go through maturity.selectors and maturity.progress,
writes through maturity.services; the views translate between HTTP and them."""

from .assessments import assessment, assessment_complete, assessment_subdomain, results
from .factories import (
    factory_create,
    factory_detail,
    factory_evidence,
    factory_evidence_add,
    factory_list,
    factory_reject,
    factory_resubmit,
    factory_verify,
)
from .targets import targets_csv, targets_dashboard, targets_summary

__all__ = [
    "assessment",
    "assessment_complete",
    "assessment_subdomain",
    "factory_create",
    "factory_detail",
    "factory_evidence",
    "factory_evidence_add",
    "factory_list",
    "factory_reject",
    "factory_resubmit",
    "factory_verify",
    "results",
    "targets_csv",
    "targets_dashboard",
    "targets_summary",
]
