"""Search keeps each solution's average rating in its own table now (search 0010) instead of
reading marketplace's ratings: fill it once from the ratings there are. The index documents
already carry the same averages, so nothing is reindexed."""

from django.db import migrations
from django.db.models import Avg, Count


def fill(apps, schema_editor):
    Rating = apps.get_model("marketplace", "Rating")
    SolutionRating = apps.get_model("search", "SolutionRating")
    rows = (Rating.objects.filter(is_hidden=False, solution__isnull=False)
            .values("solution").annotate(average=Avg("score"), count=Count("pk")).order_by())
    SolutionRating.objects.bulk_create(
        SolutionRating(solution_id=row["solution"], average=round(float(row["average"]), 2),
                       count=row["count"])
        for row in rows
    )


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0010_seenmatch_from_search"),
        ("search", "0010_solution_ratings"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
