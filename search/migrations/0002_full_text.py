"""The full-text structure beside search_searchentry, per database.

SQLite: an FTS5 table with search_searchentry as external content (the text is stored once),
kept in step by triggers, so any insert, update or delete of an entry (including the cascade
when a solution is deleted) updates the full-text index.

PostgreSQL: a generated tsvector column, weighted A (title), B (summary, scenarios) and
C (description, vendor, case studies), with a GIN index. The terms are already normalised in
Python (CJK bigrams, stems), so the 'simple' configuration only splits on spaces.

The column list is fixed here on purpose (a migration must not change when code does);
tests check it against search.index.TEXT_FIELDS. On SQLite, a later migration that alters
search_searchentry remakes the table, which drops these triggers: such a migration must run
SQLITE_FORWARD's trigger statements again (and `rebuild`).
"""

from django.db import migrations

COLUMNS = (
    "title_terms",
    "summary_terms",
    "scenarios_terms",
    "description_terms",
    "vendor_terms",
    "case_studies_terms",
)

_cols = ", ".join(COLUMNS)
_new = ", ".join(f"new.{c}" for c in COLUMNS)
_old = ", ".join(f"old.{c}" for c in COLUMNS)

SQLITE_FORWARD = [
    f"""CREATE VIRTUAL TABLE search_fts USING fts5(
        {_cols},
        content='search_searchentry', content_rowid='solution_id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER search_fts_after_insert AFTER INSERT ON search_searchentry BEGIN
        INSERT INTO search_fts(rowid, {_cols}) VALUES (new.solution_id, {_new});
    END""",
    f"""CREATE TRIGGER search_fts_after_delete AFTER DELETE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_cols})
        VALUES ('delete', old.solution_id, {_old});
    END""",
    f"""CREATE TRIGGER search_fts_after_update AFTER UPDATE ON search_searchentry BEGIN
        INSERT INTO search_fts(search_fts, rowid, {_cols})
        VALUES ('delete', old.solution_id, {_old});
        INSERT INTO search_fts(rowid, {_cols}) VALUES (new.solution_id, {_new});
    END""",
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_after_update",
    "DROP TRIGGER IF EXISTS search_fts_after_delete",
    "DROP TRIGGER IF EXISTS search_fts_after_insert",
    "DROP TABLE IF EXISTS search_fts",
]


def _weighted(column, weight):
    return f"setweight(to_tsvector('simple'::regconfig, coalesce({column}, '')), '{weight}')"


POSTGRES_FORWARD = [
    "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    + " || ".join(
        [
            _weighted("title_terms", "A"),
            _weighted("summary_terms", "B"),
            _weighted("scenarios_terms", "B"),
            _weighted("description_terms", "C"),
            _weighted("vendor_terms", "C"),
            _weighted("case_studies_terms", "C"),
        ]
    )
    + ") STORED",
    "CREATE INDEX search_searchentry_vector_gin ON search_searchentry USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_searchentry_vector_gin",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
            elidable=False,
        ),
    ]
