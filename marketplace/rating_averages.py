"""Each solution's average rating, told to search: its index documents carry it (the "rating"
sort of search, and the evidence matching weighs). Search reads no marketplace table; when a
rating is given or hidden, the marketplace works out the solution's new average and hands it
over (search.services.set_rating)."""

from django.db.models import Avg, Count

from core.registry import subscribe
from search.services import set_rating

from .models import Rating

TOPICS = ("rating.created", "rating.hidden")


def average_of(solution_id):
    """(average score rounded to two places, number of ratings) of the solution's visible
    ratings; (None, 0) when it has none."""
    row = Rating.objects.filter(solution_id=solution_id, is_hidden=False).aggregate(
        average=Avg("score"), count=Count("pk"))
    if not row["count"]:
        return None, 0
    return round(float(row["average"]), 2), row["count"]


def tell_search(solution_id):
    set_rating(solution_id, *average_of(solution_id))


def rating_changed(event):
    """A rating was given or hidden: its solution's average changes. Idempotent."""
    solution_id = event.payload.get("solution_id")
    if solution_id is None:
        solution_id = (Rating.objects.filter(pk=event.aggregate_id)
                       .values_list("solution_id", flat=True).first())
    if solution_id is not None:
        tell_search(int(solution_id))


def register():
    for topic in TOPICS:
        subscribe(topic, rating_changed)
