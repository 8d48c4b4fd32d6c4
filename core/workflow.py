"""The workflow kernel: one way to declare who may move what from which status to which.

An app declares a `Workflow` (a table of (from, to) → roles) and checks a move with
`check(subject, to_status, roles)`. An illegal move raises `TransitionNotAllowed`, which the
API answers with 409 naming the transitions allowed from the current status; a legal move by
a role not allowed raises Django's `PermissionDenied` (403).
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class Conflict(Exception):
    """A request that clashes with the current state of what it names. The API answers 409
    in problem details: `code` in the type, `title`, the message as detail and `facts()`."""

    code = "conflict"
    title = "Conflict"

    def facts(self):
        return {}


class TransitionNotAllowed(Conflict):
    code = "transition-not-allowed"
    title = "Transition not allowed"

    def __init__(self, subject, to_status, allowed=(), *, field="status"):
        self.subject, self.to_status, self.field = subject, to_status, field
        self.current = getattr(subject, field)
        self.allowed = list(allowed)
        super().__init__(str(self))

    def __str__(self):
        return _("Cannot move from “%(current)s” to “%(target)s”.") % {
            "current": self.current, "target": self.to_status}

    def facts(self):
        return {"current_status": self.current, "allowed": self.allowed}


class Workflow:
    """A transition table: {(from_status, to_status): {role, …}}."""

    def __init__(self, table, *, field="status"):
        self.table = {key: frozenset(roles) for key, roles in table.items()}
        self.field = field

    def __contains__(self, key):
        return key in self.table

    def roles_for(self, from_status, to_status):
        """The roles that may make this move, or None when the move does not exist."""
        return self.table.get((from_status, to_status))

    def allowed_from(self, status):
        """Every status reachable from `status` in one move, in declaration order."""
        return [to for (frm, to) in self.table if frm == status]

    def allowed(self, subject):
        return self.allowed_from(getattr(subject, self.field))

    def can(self, subject, to_status, roles):
        allowed_roles = self.roles_for(getattr(subject, self.field), to_status)
        return bool(allowed_roles and allowed_roles & set(roles))

    def check(self, subject, to_status, roles):
        """Refuse an illegal move (TransitionNotAllowed, 409) before a wrong role (403)."""
        current = getattr(subject, self.field)
        allowed_roles = self.roles_for(current, to_status)
        if allowed_roles is None:
            raise TransitionNotAllowed(subject, to_status, self.allowed_from(current),
                                       field=self.field)
        if not allowed_roles & set(roles):
            raise PermissionDenied(
                _("You may not move this from “%(current)s” to “%(target)s”.")
                % {"current": current, "target": to_status})
