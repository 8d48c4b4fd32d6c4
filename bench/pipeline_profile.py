"""Where a submission's worker time goes: the review pipeline's steps timed in-process, for
bench/review_pipeline.py (which seeds the solutions and prints this after its figures)."""

import time
from collections import defaultdict


class Breakdown:
    """Inclusive time and queries of named functions, patched in place for the profile run."""

    def __init__(self):
        self.seconds, self.queries, self.calls = (defaultdict(float), defaultdict(int),
                                                  defaultdict(int))
        self.executed = 0
        self.labels = []
        self._patches = []

    def count_query(self, execute, sql, params, many, context):
        self.executed += 1
        return execute(sql, params, many, context)

    def timed(self, label, function):
        if label not in self.labels:
            self.labels.append(label)

        def wrapper(*args, **kwargs):
            queries, start = self.executed, time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.queries[label] += self.executed - queries
                self.calls[label] += 1

        return wrapper

    def patch(self, owner, name, label):
        original = getattr(owner, name)
        self._patches.append((owner, name, original))
        setattr(owner, name, self.timed(label, original))

    def restore(self):
        for owner, name, original in reversed(self._patches):
            setattr(owner, name, original)


def profile_in_process(solutions, vendor_user):
    """Submit fresh `solutions` with the tasks run in this process (eagerly), timing the
    steps of the pipeline: where a submission's worker time goes."""
    from django.db import connection, transaction

    from catalog import checks, revisions, services, sla, workflow
    from config.celery import app
    from core import outbox, registry, relay
    from core.tasks import dispatch_outbox

    count = len(solutions)
    breakdown = Breakdown()
    breakdown.patch(services, "submit_solution", "submit_solution (the web request)")
    breakdown.patch(services, "run_prechecks", "run_prechecks (task)")
    breakdown.patch(checks, "run_checks", "  run_checks (incl. a content snapshot)")
    plain_checks = checks.registered_checks()
    for code, check in plain_checks.items():
        checks.register(code, breakdown.timed(f"    check {code}", check))
    breakdown.patch(services, "least_loaded_reviewer", "  least_loaded_reviewer")
    breakdown.patch(sla, "review_due_at", "  review_due_at (business days)")
    breakdown.patch(revisions, "content_of", "content_of (snapshot; in submit and checks)")
    breakdown.patch(workflow, "_record", "workflow._record (audit + outbox; in both)")
    breakdown.patch(relay, "dispatch_pending", "dispatch_outbox (task)")
    breakdown.patch(relay, "dispatch_event", "  dispatch_event")
    originals = {topic: list(consumers) for topic, consumers in registry._consumers.items()}
    for topic, consumers in registry._consumers.items():
        registry._consumers[topic] = [
            breakdown.timed(f"    consumer {consumer.__module__}.{consumer.__name__}", consumer)
            for consumer in consumers
        ]
    # Each committed transaction schedules one outbox dispatch, as on the worker; here they
    # run after the submission and its pre-checks, so each step is timed on its own.
    scheduled = []
    schedule_dispatch = outbox._schedule_dispatch
    outbox._schedule_dispatch = lambda: scheduled.append(True)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with connection.execute_wrapper(breakdown.count_query):
            for solution in solutions:
                # The outer block commits after submit_solution returns, so the pre-check
                # task it schedules on commit is timed apart from the request.
                with transaction.atomic():
                    services.submit_solution(actor=vendor_user, solution=solution)
                while scheduled:
                    scheduled.pop()
                    dispatch_outbox.apply()
    finally:
        app.conf.task_always_eager = eager
        outbox._schedule_dispatch = schedule_dispatch
        breakdown.restore()
        for code, check in plain_checks.items():
            checks.register(code, check)
        registry._consumers.clear()
        registry._consumers.update(originals)
    print(f"    in-process profile of {count} submissions (inclusive; per submission):")
    for label in breakdown.labels:
        if not breakdown.calls[label]:
            continue
        print(f"      {label:54} {breakdown.seconds[label] / count * 1000:7.2f} ms "
              f"{breakdown.queries[label] / count:6.1f} queries "
              f"({breakdown.calls[label] / count:.1f} calls)")
