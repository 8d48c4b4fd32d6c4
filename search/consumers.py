"""Keep the index and the matches in step with the catalog and the marketplace, driven by
outbox events; tell enterprises about new good matches."""

from django.urls import reverse
from django.utils.translation import gettext_noop

from core.registry import subscribe
from events.services import notify

# solution.published and solution.archived come from the review workflow (a solution enters
# or leaves the catalog); solution.updated from an approved revision or an import.
SOLUTION_TOPICS = ("solution.published", "solution.archived", "solution.updated")
NEED_TOPICS = ("need.created", "need.updated")
# From marketplace.services: a rating changes its solution's average (search.index).
RATING_TOPICS = ("rating.created", "rating.hidden")
# Fields of an organisation that are in its solutions' documents (search.index).
INDEXED_ORGANIZATION_FIELDS = {"name", "name_zh"}


def reindex_solution(event):
    """Idempotent: indexes the solution if it is published now, removes it otherwise, in the
    database (suggestions, and the index or the cluster's fallback)."""
    from .services import sync_solution

    sync_solution(int(event.aggregate_id))


def reindex_solution_in_cluster(event):
    """The same in the search cluster, when there is one. When it is unreachable this raises
    and the relay retries this delivery alone."""
    from .services import sync_solution_in_cluster

    sync_solution_in_cluster(int(event.aggregate_id))


def match_need(event):
    from marketplace.models import Need

    from .matching import refresh_matches

    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    if need is not None:
        refresh_matches(need)


def enqueue_rematch(event):
    """A solution entered, changed or left the catalog: re-ranking the open needs it could
    touch is a task of its own (search.tasks), so the relay is not held by it. A broker error
    here raises, and this delivery is retried."""
    from .tasks import rematch_open_needs

    rematch_open_needs.delay(int(event.aggregate_id))


def reindex_vendor(event):
    """A vendor was renamed: its solutions' documents carry the name, and so does its
    suggestion. Other changes (website, description) are not in the index."""
    from accounts.models import Organization

    from .services import sync_vendor

    payload = event.payload
    if payload.get("kind", Organization.Kind.VENDOR) != Organization.Kind.VENDOR:
        return
    if INDEXED_ORGANIZATION_FIELDS.isdisjoint(payload.get("changed", INDEXED_ORGANIZATION_FIELDS)):
        return
    sync_vendor(int(event.aggregate_id))


def reindex_rated_solution(event):
    """A rating was given or hidden: the solution's rating_avg changes."""
    from django.apps import apps

    from .services import sync_solution

    solution_id = event.payload.get("solution_id")
    if solution_id is None:
        rating = apps.get_model("marketplace", "Rating").objects.filter(
            pk=event.aggregate_id).values("solution_id").first()
        solution_id = rating and rating["solution_id"]
    if solution_id is not None:
        sync_solution(int(solution_id))


def notify_match_found(event):
    """Tell the enterprise's members that a new, good solution matches their need, once per
    event and member (events.services.notify)."""
    from accounts.models import User
    from catalog.models import Solution
    from marketplace.models import Need

    need = Need.objects.filter(pk=event.aggregate_id, status=Need.Status.OPEN).first()
    solution = Solution.objects.filter(pk=event.payload["solution_id"]).first()
    if need is None or solution is None:
        return
    members = User.objects.filter(memberships__organization_id=need.enterprise_id,
                                  is_active=True).distinct()
    title = (solution.title_zh or solution.title_en) if need.language == "zh" else (
        solution.title_en or solution.title_zh)
    notify(members, event=event, title=gettext_noop("A new solution matches your need"),
           body=title, link=reverse("need-detail", args=[need.pk]))


def register():
    for topic in SOLUTION_TOPICS:
        subscribe(topic, reindex_solution)
        subscribe(topic, reindex_solution_in_cluster)
        subscribe(topic, enqueue_rematch)
    for topic in NEED_TOPICS:
        subscribe(topic, match_need)
    subscribe("organization.updated", reindex_vendor)
    for topic in RATING_TOPICS:
        subscribe(topic, reindex_rated_solution)
    subscribe("match.found", notify_match_found)
