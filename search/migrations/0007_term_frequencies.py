"""SQLite only: `search_fts_vocab`, FTS5's own view of its terms with the number of entries
each is in. Queries of "any word" (a need's description) look up how common their words are,
so that the most common ones rank but do not select (search.backends.database). PostgreSQL
gives the same from its statistics (pg_stats) and needs nothing more."""

from django.db import migrations


def _run(statement):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0006_head_vector"),
    ]

    operations = [
        migrations.RunPython(
            _run("CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')"),
            _run("DROP TABLE IF EXISTS search_fts_vocab"),
            elidable=False,
        ),
    ]
