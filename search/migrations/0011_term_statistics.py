"""Term statistics for search.scoring: SearchTerm (how many entries hold each term) and
SearchEntry.length, filled from the entries already indexed. FTS5's vocabulary view (0007),
which the statistics replace, is dropped."""

from collections import Counter

from django.db import migrations, models

TERM_COLUMNS = ("title_terms", "summary_terms", "scenarios_terms", "description_terms",
                "vendor_terms", "case_studies_terms")


def fill(apps, schema_editor):
    alias = schema_editor.connection.alias
    SearchEntry = apps.get_model("search", "SearchEntry")
    SearchTerm = apps.get_model("search", "SearchTerm")
    counts = Counter()
    for pk, *columns in (SearchEntry.objects.using(alias).order_by("pk")
                         .values_list("pk", *TERM_COLUMNS).iterator(chunk_size=2000)):
        terms = [text.split() for text in columns if text]
        counts.update({term for field in terms for term in field})
        SearchEntry.objects.using(alias).filter(pk=pk).update(
            length=sum(len(field) for field in terms))
    SearchTerm.objects.using(alias).bulk_create(
        [SearchTerm(term=term, entries=count) for term, count in sorted(counts.items())],
        batch_size=2000)


def drop_vocabulary(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS search_fts_vocab")


def restore_vocabulary(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')")


class Migration(migrations.Migration):

    dependencies = [
        ("search", "0010_solution_ratings"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchTerm",
            fields=[
                ("term", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("entries", models.IntegerField(default=0)),
            ],
        ),
        # Added by SQL: Django adds a column with a default on SQLite by remaking the table,
        # which would drop the triggers that keep the FTS5 table in step (migration 0002).
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                "ALTER TABLE search_searchentry ADD COLUMN length integer NOT NULL DEFAULT 0 "
                "CHECK (length >= 0)",
                "ALTER TABLE search_searchentry DROP COLUMN length",
            )],
            state_operations=[migrations.AddField(
                model_name="searchentry",
                name="length",
                field=models.PositiveIntegerField(default=0),
            )],
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(drop_vocabulary, restore_vocabulary, elidable=False),
    ]
