"""PostgreSQL only: `head_vector`, the titles and summaries of an entry (weights A and B, as
in search_vector), generated and GIN-indexed. Ranking reads it instead of the whole text's
vector: a fourth of the size, so ranking thousands of matches stays fast (see
search.backends.full_text). SQLite ranks with FTS5's bm25 and needs nothing more.

And narrow rows: a match is found in the GIN index, then its row is read for its id; rows of
2 kB (long texts kept inline) made that read four times as many pages as rows of a few
hundred bytes whose long values live in TOAST. head_vector stays inline (STORAGE MAIN): it is
read for every ranked row."""

from django.db import migrations

POSTGRES_FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN head_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, coalesce(title_terms, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(summary_terms, '')), 'B')"
    ") STORED",
    "CREATE INDEX search_searchentry_head_gin ON search_searchentry USING GIN (head_vector)",
    "ALTER TABLE search_searchentry ALTER COLUMN head_vector SET STORAGE MAIN",
    "ALTER TABLE search_searchentry SET (toast_tuple_target = 256)",
]
POSTGRES_BACKWARD = [
    "ALTER TABLE search_searchentry RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS search_searchentry_head_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS head_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_index_changes"),
    ]

    operations = [
        migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD), elidable=False),
    ]
