"""Reads of ratings: public, but hidden ones only to operator staff."""

from django.db.models import Avg, Count

from accounts import selectors as people

from ..models import Rating


def visible_ratings(*, vendor=None, solution=None, limit=10):
    """The newest visible ratings of a vendor or a solution, for their public pages."""
    qs = Rating.objects.filter(is_hidden=False).select_related("enterprise", "solution")
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if solution is not None:
        qs = qs.filter(solution=solution)
    return qs.order_by("-created_at", "-pk")[:limit]


def ratings_visible_to(user):
    """Ratings are public; hidden ones only to operator staff (who hid them)."""
    qs = Rating.objects.select_related("enterprise", "vendor", "solution")
    if people.is_operator(user):
        return qs
    return qs.filter(is_hidden=False)


def rating_summary(*, vendor=None, solution=None):
    """Count and average scores of the visible ratings of a vendor or a solution (or both)."""
    qs = Rating.objects.filter(is_hidden=False)
    if vendor is not None:
        qs = qs.filter(vendor=vendor)
    if solution is not None:
        qs = qs.filter(solution=solution)
    names = (*Rating.CRITERIA, "score")
    row = qs.aggregate(count=Count("id"), **{name: Avg(name) for name in names})
    averages = {name: (round(float(row[name]), 2) if row[name] is not None else None)
                for name in names}
    return {"count": row["count"], **averages}


def rating_of(quote):
    """The rating of a quote, hidden or not: its parties know whether they rated."""
    return Rating.objects.filter(quote=quote)
