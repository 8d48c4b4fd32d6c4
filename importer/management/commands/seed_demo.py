"""Demo data for `make run`: the taxonomy, the demo catalog and a login for every path.

Two vendors and two enterprises with their logins, two reviewers, an operator admin, public
and private needs (the catalog file), a request for quotes sent to both vendors with both
quotes in (to compare), and one vendor organisation awaiting verification. Running it again
changes nothing: each piece is made only when it is missing (importer/demo.py)."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from importer import demo

DEMO_CATALOG = Path(__file__).resolve().parents[2] / "data" / "demo_catalog.jsonl"


class Command(BaseCommand):
    help = "Load the taxonomy and demo catalog and create the demo logins, quotes and applicant."

    def add_arguments(self, parser):
        parser.add_argument("--catalog", default=str(DEMO_CATALOG))

    def handle(self, *args, catalog, **options):
        call_command("load_taxonomy", stdout=self.stdout)
        call_command("import_catalog", catalog, "--quiet", stdout=self.stdout)
        with transaction.atomic():
            logins = demo.seed()
        self.stdout.write(self.style.SUCCESS(
            f"Demo logins (password for all: {demo.DEMO_PASSWORD}):"))
        self.stdout.write(demo.login_table(logins))
