from django.core.management.base import BaseCommand

from catalog.taxonomy import TAXONOMY_FILE, load_taxonomy


class Command(BaseCommand):
    help = "Load (or refresh) the taxonomy: stages, links, scenarios, industries, and the rest."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(TAXONOMY_FILE))

    def handle(self, *args, path, **options):
        counts = load_taxonomy(path)
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Taxonomy loaded: {summary}."))
