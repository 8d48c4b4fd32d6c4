"""Who may move an organisation's verification from which status to which, on the kernel
(core.workflow): an illegal move (a stale page, a second operator deciding the same
application) is a 409 naming the moves allowed, a wrong role a 403.

pending → verified or rejected (the operator's decision, with a reason when rejected);
rejected → pending (the applicant's owners and admins correct it and send it again).
"""

from core.workflow import Workflow

from . import selectors as people
from .models import Organization

S = Organization.Status

OPERATOR, APPLICANT = "operator", "applicant"

VERIFICATION = Workflow({
    (S.PENDING, S.VERIFIED): {OPERATOR},
    (S.PENDING, S.REJECTED): {OPERATOR},
    (S.REJECTED, S.PENDING): {APPLICANT},
})


def roles_of(actor, organization):
    roles = set()
    if people.is_operator(actor):
        roles.add(OPERATOR)
    if people.is_person(actor) and people.is_admin_of(actor, organization):
        roles.add(APPLICANT)
    return roles


def check(organization, to_status, actor):
    VERIFICATION.check(organization, to_status, roles_of(actor, organization))
