"""Phrase marks (PostgreSQL): `marks` and `head_marks` hold the tokens of the synonym
phrases of several terms an entry holds (search.synonyms.marked_phrases), and the generated
`search_vector` and `head_vector` take them in as lexemes, as they are (written in
tsvector's notation: no parsing; in head_vector with positions and weights).
SearchMarkedPhrase lists the phrases a rebuild marked in every entry; until the next
`search_index rebuild` it is empty and queries check phrases by their words' positions, as
before.

GIN keeps no positions, so a phrase query reads the large vector of every entry holding the
phrase's words to check their order; a token is found in the index alone (docs/search.md).
SQLite's FTS5 keeps positions in its index and needs nothing more: the columns stay empty
there."""

from django.db import migrations, models


def _weighted(column, weight):
    return f"setweight(to_tsvector('simple'::regconfig, coalesce({column}, '')), '{weight}')"


# As migrations 0002 and 0006 made them.
SEARCH_VECTOR = " || ".join([
    _weighted("title_terms", "A"), _weighted("summary_terms", "B"),
    _weighted("scenarios_terms", "B"), _weighted("description_terms", "C"),
    _weighted("vendor_terms", "C"), _weighted("case_studies_terms", "C"),
])
HEAD_VECTOR = " || ".join([_weighted("title_terms", "A"), _weighted("summary_terms", "B")])


def _vectors(marked):
    """The statements making search_vector and head_vector again (and their GIN indexes):
    with the marks columns taken in as lexemes when `marked`, without them otherwise."""
    def vector(name, index, expression, marks):
        if marked:
            # The marks are written in tsvector's own notation (search.marks).
            expression += f" || coalesce({marks}, '')::tsvector"
        return [
            f"DROP INDEX IF EXISTS {index}",
            f"ALTER TABLE search_searchentry DROP COLUMN {name}",
            f"ALTER TABLE search_searchentry ADD COLUMN {name} tsvector GENERATED ALWAYS AS "
            f"({expression}) STORED",
            f"CREATE INDEX {index} ON search_searchentry USING GIN ({name})",
        ]

    return [*vector("search_vector", "search_searchentry_vector_gin", SEARCH_VECTOR, "marks"),
            *vector("head_vector", "search_searchentry_head_gin", HEAD_VECTOR, "head_marks"),
            "ALTER TABLE search_searchentry ALTER COLUMN head_vector SET STORAGE MAIN"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0012_signature_bands"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchMarkedPhrase",
            fields=[
                ("token", models.CharField(max_length=24, primary_key=True, serialize=False)),
                ("phrase", models.TextField()),
            ],
        ),
        # Added by SQL: Django adds a column with a default on SQLite by remaking the table,
        # which would drop the triggers that keep the FTS5 table in step (migration 0002).
        *(migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(
                f"ALTER TABLE search_searchentry ADD COLUMN {name} text NOT NULL DEFAULT ''",
                f"ALTER TABLE search_searchentry DROP COLUMN {name}",
            )],
            state_operations=[migrations.AddField(
                model_name="searchentry",
                name=name,
                field=models.TextField(blank=True, default=""),
            )],
        ) for name in ("marks", "head_marks")),
        # After the columns it reads exist; before them when undone.
        migrations.RunPython(_run(_vectors(marked=True)), _run(_vectors(marked=False)), elidable=False),
    ]
