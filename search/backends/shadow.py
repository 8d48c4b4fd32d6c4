"""PostgreSQL: a rebuild writes the index into fresh tables and swaps them in at the end.

Rewriting the tables in place kept every index and constraint up to date row by row: two GIN
indexes over generated tsvectors, the B-trees of millions of signature bands, a foreign-key
check per facet row. Inside the rebuild's transaction, `shadow_tables` makes empty copies of
the rebuilt tables (columns, defaults, generated columns, identity, storage) in a schema of
their own, first on the connection's search path: whatever the rebuild writes by those
tables' names goes to the copies, whichever module writes it. Once all is written, the
originals' indexes and constraints are made on the copies in bulk (far cheaper than
maintaining them row by row), the copies are analysed, and in the same transaction the
originals are dropped and the copies moved into their place, under the same names (an index
or a constraint is named within its schema).

Readers see the old tables, untouched, until the commit; the swap locks them only for its
last moments. A rebuild that fails rolls back, copies and schema included. Rebuilds take
their turn (an advisory lock), as the shadow schema is one.
"""

import contextlib

from django.db import connections

SCHEMA = "search_rebuild"
# Sorting the large indexes of a rebuild in memory (per index build, for this transaction).
MAINTENANCE_WORK_MEM = "256MB"
# What is made first: keys and checks, then the other indexes, then the foreign keys (which
# need the keys they refer to).
KEYS, INDEXES, FOREIGN_KEYS = range(3)


@contextlib.contextmanager
def shadow_tables(using, tables):
    """Inside a transaction: write `tables` afresh (see the module docstring). No-op on other
    databases (SQLite rewrites them in place, in its one-writer transaction)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("shadow_tables belongs inside the rebuild's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [SCHEMA])
        cursor.execute("SELECT current_setting('search_path')")
        search_path = cursor.fetchone()[0]
        originals = _originals(cursor, tables)
        # Read while the originals are the tables the names resolve to: constraint
        # definitions name the tables they refer to as the search path sees them.
        definitions = _definitions(cursor, originals)
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table, qualified in originals.items():
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{table} (LIKE {qualified} INCLUDING DEFAULTS "
                "INCLUDING GENERATED INCLUDING IDENTITY INCLUDING STORAGE "
                "INCLUDING COMPRESSION)")
            cursor.execute("SELECT array_to_string(reloptions, ', ') FROM pg_class "
                           "WHERE oid = %s::regclass", [qualified])
            if options := cursor.fetchone()[0]:
                cursor.execute(f"ALTER TABLE {SCHEMA}.{table} SET ({options})")
        cursor.execute("SELECT set_config('search_path', %s, true)",
                       [f"{SCHEMA}, {search_path}"])
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)",
                       [MAINTENANCE_WORK_MEM])
        # The shadow schema first still: a foreign key to a rebuilt table refers to its copy.
        for statement in definitions:
            cursor.execute(statement)
        for table in originals:
            cursor.execute(f"ANALYZE {SCHEMA}.{table}")
        cursor.execute("SELECT set_config('search_path', %s, true)", [search_path])
        _swap(cursor, originals)


def _originals(cursor, tables):
    """{table: its schema-qualified name} of the tables the search path finds; refuses
    tables another table refers to (dropping the original would drop that reference)."""
    originals = {}
    for table in tables:
        cursor.execute("SELECT n.nspname FROM pg_class c JOIN pg_namespace n "
                       "ON n.oid = c.relnamespace WHERE c.oid = to_regclass(%s)", [table])
        originals[table] = f"{cursor.fetchone()[0]}.{table}"
    cursor.execute(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint "
        "WHERE contype = 'f' AND confrelid = ANY(%s::regclass[]) "
        "AND NOT conrelid = ANY(%s::regclass[])",
        [list(originals.values())] * 2)
    if outside := cursor.fetchall():
        raise RuntimeError(f"Tables outside the rebuild refer to rebuilt ones: {outside}")
    return originals


def _definitions(cursor, originals):
    """Statements making the originals' indexes and constraints on the copies, in order."""
    statements = []
    for table, qualified in originals.items():
        # Indexes of their own; those of keys and unique constraints come with these.
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = "
            "%s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid) "
            "ORDER BY i.indexrelid", [qualified])
        for (definition,) in cursor.fetchall():
            target = f" ON {SCHEMA}.{table} USING "
            statements.append((INDEXES, definition.replace(f" ON {qualified} USING ", target, 1)))
        cursor.execute(
            "SELECT contype, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype <> 'n' ORDER BY oid", [qualified])
        statements.extend(
            (FOREIGN_KEYS if kind == "f" else KEYS,
             f'ALTER TABLE {SCHEMA}.{table} ADD CONSTRAINT "{name}" {definition}')
            for kind, name, definition in cursor.fetchall())
    # A stable sort: each table's own order within a step.
    return [statement for _, statement in sorted(statements, key=lambda step: step[0])]


def _swap(cursor, originals):
    """Drop the originals and move the copies into their place (their indexes, constraints
    and identity sequences with them). Deferred constraint checks of rows this transaction
    wrote into the originals (a test's data) are made now: a table with pending checks
    cannot be dropped."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    names = ", ".join(originals.values())
    cursor.execute(f"LOCK TABLE {names} IN ACCESS EXCLUSIVE MODE")
    cursor.execute(f"DROP TABLE {names}")
    for table, qualified in originals.items():
        schema = qualified.split(".")[0]
        cursor.execute(f"ALTER TABLE {SCHEMA}.{table} SET SCHEMA {schema}")
    cursor.execute(f"DROP SCHEMA {SCHEMA}")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
