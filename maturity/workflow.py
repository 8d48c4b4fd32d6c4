"""Who may move a smart factory or an assessment from which status to which, on the kernel
(core.workflow): an illegal move is a 409 naming the moves allowed, a wrong role a 403.

A factory: pending → verified or rejected (the operator's decision), rejected → pending (its
enterprise sends it again). An assessment: in progress → completed (its enterprise).
"""

from accounts import selectors as people
from core.workflow import Workflow

from .models import Assessment, SmartFactory

F = SmartFactory.Status
A = Assessment.Status

OPERATOR, ENTERPRISE = "operator", "enterprise"

FACTORY_TRANSITIONS = Workflow({
    (F.PENDING, F.VERIFIED): {OPERATOR},
    (F.PENDING, F.REJECTED): {OPERATOR},
    (F.REJECTED, F.PENDING): {ENTERPRISE},
})

ASSESSMENT_TRANSITIONS = Workflow({
    (A.IN_PROGRESS, A.COMPLETED): {ENTERPRISE},
})


def roles_of(actor, enterprise_id):
    """The roles `actor` holds for what the enterprise `enterprise_id` owns."""
    roles = set()
    if people.is_operator(actor):
        roles.add(OPERATOR)
    if actor.is_superuser or people.is_member(actor, enterprise_id):
        roles.add(ENTERPRISE)
    return roles


def check_factory(factory, to_status, actor):
    FACTORY_TRANSITIONS.check(factory, to_status, roles_of(actor, factory.enterprise_id))


def check_assessment(assessment, actor):
    ASSESSMENT_TRANSITIONS.check(assessment, A.COMPLETED, roles_of(actor, assessment.enterprise_id))
