"""The outbox event moves from events to core: its table (events_outboxevent) stays where it is,
only Django's idea of which app owns it changes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("events", "0002_webhooks_and_preferences"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutboxEvent",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("topic", models.CharField(db_index=True, max_length=100)),
                        ("aggregate_type", models.CharField(max_length=50)),
                        ("aggregate_id", models.CharField(max_length=50)),
                        ("payload", models.JSONField(default=dict)),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("dispatched_at", models.DateTimeField(blank=True, null=True)),
                        ("attempts", models.PositiveIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True, default="")),
                    ],
                    options={
                        "db_table": "events_outboxevent",
                        "ordering": ["id"],
                        "indexes": [models.Index(condition=models.Q(("dispatched_at", None)), fields=["id"], name="outbox_pending_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
