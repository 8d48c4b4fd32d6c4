"""Need.matched_at: when matching last ranked the need. The needs there are were ranked when
they were posted (through the outbox), so they count as ranked now; only needs posted from
here on wait for their first ranking with matched_at null."""

from django.db import migrations, models
from django.db.models.functions import Now


def ranked_already(apps, schema_editor):
    apps.get_model("marketplace", "Need").objects.update(matched_at=Now())


class Migration(migrations.Migration):

    dependencies = [
        ("marketplace", "0011_tell_search_the_rating_averages"),
    ]

    operations = [
        migrations.AddField(
            model_name="need",
            name="matched_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(ranked_already, migrations.RunPython.noop),
    ]
