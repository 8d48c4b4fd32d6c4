"""Importing a catalog file: vendors, enterprises, solutions and needs in JSON Lines.

The public contract is the shared import-format.md (one object per line, `type` says what it
is, objects refer to each other by `ref`, taxonomy codes are those of catalog/data/
taxonomy.json). How this importer reads it:

- The whole file is checked first and every problem is collected with its line number; if
  any line is bad nothing is written (`CatalogImportError.errors`). Then everything is
  written in one transaction.
- Writes go through the apps' services (accounts, catalog, marketplace) with the checks the
  API and the admin apply, as the operator: `writing.operator_actor()` is the system actor an
  import is recorded as (writing.py says which service writes what, and which checks of who
  it is the operator's file need not pass).
- Objects are upserted by `ref`, kept as `external_ref` (organisations: per kind). A key left
  out (or null) means "empty": re-importing after removing an optional key clears it, and
  relations and case studies are set to exactly what the line says. Objects that already
  match the file are not touched, so importing the same file twice writes nothing, not even
  review or outbox events.
- A solution is created as a draft; "published" then moves it through
  `catalog.workflow.record_import`, as the operator, with a ReviewEvent and an outbox event.
  "draft" never pulls an existing solution back: status changes belong to the workflow.
- Otherwise events are those the product writes elsewhere: a published solution whose content
  changes emits `solution.updated` (search re-indexes it); a new need emits `need.created`
  (matching picks it up), as when an enterprise posts one.
- Solution references to vendors, and need references to enterprises, may point at refs of
  this file or at refs imported before.
- Texts and lists are held to the caps the API and the forms hold (catalog.limits,
  marketplace.limits, accounts.limits); a line over 2 MiB, nested over 10 levels, or with a
  NUL character or a lone surrogate anywhere is an error naming its line
  (validation.MAX_LINE_BYTES, validation.MAX_DEPTH). docs/api.md lists them ("Limits").

Extension (the public format stays valid): a solution's `title`, `summary` and `description`
are in its `language`; the optional keys `title_en`, `title_zh`, `summary_en`, `summary_zh`,
`description_en` and `description_zh` give the text in a named language, so one line can carry
both. A key in the solution's own language must agree with the plain key.

Nested objects are as lenient as their models: a case study needs only `client` (with
optional `industry`, `region`, `year`, `summary`, `outcomes`); an outcome needs `metric`,
`before` and `after` (with optional `unit`). Unknown keys are errors at every level.
Organisations of either kind accept `website`, `description` (English), `description_zh`
(Chinese; left as it is when absent) and `credit_code`.
"""

from .schema import TYPES
from .validation import CatalogImportError, LineError, Record, validate
from .writing import CatalogWriter, ImportActorError, ImportReport


def validate_catalog(source, *, progress=False):
    """Check a catalog without writing anything. `source` is a path (str or Path) or an
    iterable of lines (str or bytes, e.g. an open file or a list).

    Returns the clean records; raises CatalogImportError listing every bad line."""
    return validate(source, progress=progress)


def import_catalog(source, *, actor=None, progress=False):
    """Check the whole catalog, then write it in one transaction; returns an ImportReport.
    `source` is as for validate_catalog; `progress` shows tqdm bars on stderr.

    `actor` is who the import is recorded as (default: operator staff, see operator_actor).
    Raises CatalogImportError, having written nothing, if any line is bad."""
    records = validate(source, progress=progress)
    return CatalogWriter(actor).write(records, progress=progress)


__all__ = [
    "TYPES",
    "CatalogImportError",
    "ImportActorError",
    "ImportReport",
    "LineError",
    "Record",
    "import_catalog",
    "validate_catalog",
]
