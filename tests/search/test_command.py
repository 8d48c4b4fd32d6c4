"""manage.py search_index rebuild | update | status"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from catalog.models import SolutionStatus
from search.backends.database import DatabaseBackend
from tests.factories import SolutionFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("search_index", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_rebuild_indexes_published_solutions_with_a_progress_bar():
    published = [SolutionFactory(status=SolutionStatus.PUBLISHED) for _ in range(3)]
    SolutionFactory()  # a draft
    out, err = run("rebuild", "--batch-size", "2")
    assert "Rebuilt the index: 3 solutions." in out
    assert "3/3" in err  # tqdm's bar went to stderr
    assert set(DatabaseBackend().indexed_versions()) == {s.pk for s in published}


def test_update_catches_up_and_reports():
    solution = SolutionFactory(status=SolutionStatus.PUBLISHED)
    out, _ = run("update", "--quiet")
    assert "1 indexed, 0 removed" in out
    type(solution).objects.filter(pk=solution.pk).update(status=SolutionStatus.ARCHIVED)
    out, _ = run("update", "--quiet")
    assert "0 indexed, 1 removed" in out


def test_status_shows_backend_counts_and_staleness():
    SolutionFactory(status=SolutionStatus.PUBLISHED)
    out, _ = run("status")
    assert "backend: database" in out
    assert "reachable: True" in out
    assert "published: 1" in out
    assert "indexed: 0" in out
    assert "to_index: 1" in out


def test_status_fails_when_elasticsearch_is_unreachable(settings):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.SEARCH_BACKEND = "elasticsearch"
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{port}"
    settings.ELASTICSEARCH_TIMEOUT = 1
    with pytest.raises(CommandError, match="not healthy"):
        run("status")
    with pytest.raises(CommandError, match="unreachable"):
        run("rebuild", "--quiet")


def test_bad_batch_size_is_refused():
    with pytest.raises(CommandError):
        run("rebuild", "--batch-size", "0")
