"""Web pages of the catalog: the scenario map, solutions, vendors, editing and review.

Reads go through catalog.selectors (which decide who sees what), writes through
catalog.services (which decide who may do what); the views only translate between HTTP and them.
One module per audience: public.py and scenario.py (everyone), vendor.py and revision.py (a
vendor's own work), review.py and progress.py (operator staff)."""

from .case_studies import (
    solution_attachment_add,
    solution_attachment_delete,
    solution_case_studies,
)
from .directory import vendor_detail, vendor_list
from .profile import organization_profile
from .progress import review_progress
from .public import home, solution_detail
from .review import (
    review_decision,
    review_queue,
    review_reassign,
    review_revision,
    review_revision_reassign,
)
from .revision import revision_check, revision_detail, revision_submit, revision_withdraw
from .scenario import scenario_detail
from .vendor import solution_check, solution_create, solution_edit, solution_submit

__all__ = [
    "home",
    "organization_profile",
    "solution_attachment_add",
    "solution_attachment_delete",
    "solution_case_studies",
    "vendor_list",
    "review_decision",
    "review_progress",
    "review_queue",
    "review_reassign",
    "review_revision",
    "review_revision_reassign",
    "revision_check",
    "revision_detail",
    "revision_submit",
    "revision_withdraw",
    "scenario_detail",
    "solution_check",
    "solution_create",
    "solution_detail",
    "solution_edit",
    "solution_submit",
    "vendor_detail",
]
