"""A real Celery worker process on Redis, for the tests that CI runs on real services."""

import os
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

requires_services = pytest.mark.skipif(
    not (os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres")),
    reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL; CI sets them",
)


def _test_database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgresql://{db['USER']}{password}@{db.get('HOST') or '127.0.0.1'}:"
            f"{db.get('PORT') or 5432}/{db['NAME']}")


@contextmanager
def celery_worker(extra_args=(), beat=False):
    """Start `celery worker` on a queue of its own, against the test database; stop it after.

    Tasks sent by the test process go through Redis to this process, exactly as in
    production. Yields the queue name."""
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": _test_database_url(),
        "CELERY_QUEUE": queue,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
               "--loglevel", "INFO", "-Q", queue, "--without-gossip", "--without-mingle",
               "--hostname", f"{queue}@localhost", *extra_args]
    if beat:
        command += ["--beat", "--schedule", f"/tmp/{queue}-beat"]
    log_path = Path(f"/tmp/{queue}.log")
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        _wait_until_ready(app, queue, process, log_path)
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _wait_until_ready(app, queue, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"celery worker exited:\n{log_path.read_text()[-3000:]}")
        replies = app.control.ping(destination=[f"{queue}@localhost"], timeout=1.0)
        if replies:
            return
    raise RuntimeError(f"celery worker did not start:\n{log_path.read_text()[-3000:]}")


def wait_for(predicate, timeout=60, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
