"""PostgreSQL's full-text statements run with the index scan forced and without parallel
workers (PostgresFullText.STATEMENT_SETTINGS), and leave the connection's settings as they
found them, inside a caller's transaction too."""

import pytest
from django.db import connection, transaction

from search.backends.full_text import PostgresFullText

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's")]

SHOW = ("SELECT current_setting('enable_seqscan'), "
        "current_setting('max_parallel_workers_per_gather')")


def settings():
    with connection.cursor() as cursor:
        cursor.execute(SHOW)
        return cursor.fetchone()


def test_a_statement_runs_with_the_settings_told():
    assert PostgresFullText()._fetch(SHOW, []) == [("off", "0")]


@pytest.mark.parametrize("outer", [False, True])
def test_the_settings_are_put_back(outer):
    with connection.cursor() as cursor:
        cursor.execute("SET max_parallel_workers_per_gather = 1")
    before = settings()
    assert before == ("on", "1")
    if outer:
        with transaction.atomic():
            PostgresFullText()._fetch(SHOW, [])
            assert settings() == before
    else:
        PostgresFullText()._fetch(SHOW, [])
    assert settings() == before
