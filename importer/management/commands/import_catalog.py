import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from importer.services import (
    CatalogImportError,
    ImportActorError,
    import_catalog,
    validate_catalog,
)


class Command(BaseCommand):
    help = (
        "Import vendors, enterprises, solutions and needs from a JSON Lines catalog file. "
        "The whole file is checked first; if any line is bad, nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE", help="the catalog file, or - for stdin")
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument("--check", action="store_true",
                            help="only check the file; write nothing")

    def handle(self, *args, path, quiet, check, **options):
        # The bar is for people watching a terminal; logs and pipes get only the summary.
        progress = not quiet and options["verbosity"] > 0 and self.stderr.isatty()
        source = sys.stdin.buffer if path == "-" else Path(path)
        try:
            if check:
                records = validate_catalog(source, progress=progress)
                self.stdout.write(self.style.SUCCESS(
                    f"Catalog is valid: {len(records)} records; nothing written."
                ))
                return
            report = import_catalog(source, progress=progress)
        except CatalogImportError as exc:
            raise CommandError(str(exc)) from exc
        except ImportActorError as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc
        if options["verbosity"] > 0:
            self.stdout.write(self.style.SUCCESS(report.summary()))
