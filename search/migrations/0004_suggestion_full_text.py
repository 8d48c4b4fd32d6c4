"""The full-text structure beside search_searchsuggestion, per database (as 0002 does for
search_searchentry): prefix queries on the unstemmed `terms` of each suggestion.

SQLite: an FTS5 table with search_searchsuggestion as external content, kept in step by
triggers. PostgreSQL: a generated tsvector column ('simple': the terms are normalised in
Python) with a GIN index; `to_tsquery('word:*')` is a prefix match.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE search_suggestion_fts USING fts5(
        terms,
        content='search_searchsuggestion', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3'
    )""",
    """CREATE TRIGGER search_suggestion_fts_after_insert AFTER INSERT ON search_searchsuggestion
    BEGIN
        INSERT INTO search_suggestion_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
    """CREATE TRIGGER search_suggestion_fts_after_delete AFTER DELETE ON search_searchsuggestion
    BEGIN
        INSERT INTO search_suggestion_fts(search_suggestion_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
    END""",
    """CREATE TRIGGER search_suggestion_fts_after_update AFTER UPDATE ON search_searchsuggestion
    BEGIN
        INSERT INTO search_suggestion_fts(search_suggestion_fts, rowid, terms)
        VALUES ('delete', old.id, old.terms);
        INSERT INTO search_suggestion_fts(rowid, terms) VALUES (new.id, new.terms);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_suggestion_fts_after_update",
    "DROP TRIGGER IF EXISTS search_suggestion_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_suggestion_fts_after_insert",
    "DROP TABLE IF EXISTS search_suggestion_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchsuggestion ADD COLUMN terms_vector tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, coalesce(terms, ''))) STORED",
    "CREATE INDEX search_searchsuggestion_vector_gin ON search_searchsuggestion "
    "USING GIN (terms_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_searchsuggestion_vector_gin",
    "ALTER TABLE search_searchsuggestion DROP COLUMN IF EXISTS terms_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0003_ratings_suggestions_seen_matches"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
