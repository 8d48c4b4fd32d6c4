"""SeenMatch, made by search when matching lived there, joins marketplace's state with its
table (search_seenmatch) as it is: no data moves."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_review_workflow"),
        ("marketplace", "0009_text_caps"),
        ("search", "0009_seenmatch_to_marketplace"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="SeenMatch",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("first_seen_at", models.DateTimeField(auto_now_add=True)),
                        ("announced", models.BooleanField(default=False)),
                        ("need", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE, related_name="+",
                            to="marketplace.need")),
                        ("solution", models.ForeignKey(
                            on_delete=django.db.models.deletion.CASCADE, related_name="+",
                            to="catalog.solution")),
                    ],
                    options={
                        "db_table": "search_seenmatch",
                        "constraints": [models.UniqueConstraint(
                            fields=("need", "solution"), name="seenmatch_unique_need_solution")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
