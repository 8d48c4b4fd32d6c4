"""Catalog reactions to its own events that change its own state: retiring the public
catalog's cached answers, and starting a submission's pre-checks. (Who is told of each step
is events.notices.catalog.)"""

from core.public_cache import bump_version
from core.registry import subscribe


def start_prechecks(event):
    """A submission (a new listing's or a change's) gets its automated pre-checks.

    Runs in the relay, never in the request: a broker outage at submission leaves the event
    pending and the checks start once the relay runs again. The checks are a task of their
    own so that slow ones (links, the search cluster) never hold back the relay; a broker
    error here raises, and the event is delivered again. run_prechecks is idempotent."""
    from .tasks import run_prechecks

    kind = event.topic.split(".", 1)[0]
    run_prechecks.delay(kind, event.payload["id"])


def register():
    # Any change may show in the public catalog's answers: cached ones are retired.
    subscribe("*", bump_version)
    subscribe("solution.submitted", start_prechecks)
    subscribe("revision.submitted", start_prechecks)
