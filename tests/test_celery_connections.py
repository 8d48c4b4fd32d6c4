"""Database connections on a worker live as long as Django allows (DATABASE_CONN_MAX_AGE),
as around web requests, instead of one new connection per task."""

from types import SimpleNamespace

import django.db

from config.celery import close_old_database_connections


def task(eager):
    return SimpleNamespace(request=SimpleNamespace(is_eager=eager))


def test_a_worker_task_closes_only_old_or_broken_connections(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append(True))
    close_old_database_connections(sender=task(eager=False))
    assert calls == [True]


def test_a_task_run_in_process_leaves_its_callers_connection_alone(monkeypatch):
    calls = []
    monkeypatch.setattr(django.db, "close_old_connections", lambda: calls.append(True))
    close_old_database_connections(sender=task(eager=True))
    close_old_database_connections(sender=None)
    assert calls == []


def test_the_handlers_are_connected_to_both_ends_of_a_task():
    from celery.signals import task_postrun, task_prerun

    for signal in (task_prerun, task_postrun):
        assert any(receiver() is close_old_database_connections
                   for _, receiver in signal.receivers)
