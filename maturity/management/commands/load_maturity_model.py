"""Load a version of the maturity model: `manage.py load_maturity_model [--statements FILE]`.

A revised standard ships as a new statements file with a new version; it is loaded beside
the old one and becomes current (unless --not-current). Reloading a version refreshes its
texts, weights and scenario mappings."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maturity.loading import STATEMENTS_FILE, MaturityModelConflict, load_maturity_model


class Command(BaseCommand):
    help = "Load or refresh a version of the maturity model."

    def add_arguments(self, parser):
        parser.add_argument("--statements", default=str(STATEMENTS_FILE),
                            help="the statements file (default: the shipped one)")
        parser.add_argument("--structure", default="",
                            help="a JSON file with the elements/domains/sub-domains (default: "
                                 "the taxonomy's maturity_model)")
        parser.add_argument("--not-current", action="store_true",
                            help="load it without making it the version new assessments use")

    def handle(self, *args, statements, structure, not_current, **options):
        tree = None
        if structure:
            tree = json.loads(Path(structure).read_text(encoding="utf-8"))
            tree = tree.get("maturity_model", tree)
        try:
            model = load_maturity_model(statements, structure=tree,
                                        make_current=not not_current)
        except (MaturityModelConflict, ValueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        state = "current" if model.is_current else "not current"
        self.stdout.write(f"Loaded {model.standard} version {model.version} ({state}): "
                          f"{model.subdomains.count()} sub-domains.")
