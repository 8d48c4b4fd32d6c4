from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from catalog.models import Solution, SolutionStatus
from search import services
from search.backends import BackendUnavailable


class Command(BaseCommand):
    help = (
        "Maintain the search index. rebuild: index every published solution afresh (built "
        "aside and swapped in on Elasticsearch). update: index what is missing or stale and "
        "remove what is no longer published. status: backend, counts and staleness."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["rebuild", "update", "status"])
        parser.add_argument("--batch-size", type=int, default=services.BATCH_SIZE)
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, action, batch_size, quiet, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if action == "status":
            return self._status()
        show_bar = not quiet and options["verbosity"] > 0
        try:
            if action == "rebuild":
                total = Solution.objects.filter(status=SolutionStatus.PUBLISHED).count()
                with self._bar(total, show_bar) as bar:
                    count = services.rebuild_index(batch_size=batch_size, progress=bar.update)
                self.stdout.write(self.style.SUCCESS(f"Rebuilt the index: {count} solutions."))
            else:
                to_index, _ = services.stale_entries()
                with self._bar(len(to_index), show_bar) as bar:
                    report = services.update_index(batch_size=batch_size, progress=bar.update)
                self.stdout.write(self.style.SUCCESS(
                    f"Updated the index: {report['indexed']} indexed, "
                    f"{report['removed']} removed."
                ))
        except BackendUnavailable as exc:
            raise CommandError(f"The search backend is unreachable: {exc}") from exc

    def _bar(self, total, show):
        return tqdm(total=total, unit="solution", disable=not show, file=self.stderr)

    def _status(self):
        status = services.index_status()
        for key, value in status.items():
            self.stdout.write(f"{key}: {value}")
        if status.get("error") or not status.get("reachable"):
            raise CommandError("The search backend is not healthy.")
