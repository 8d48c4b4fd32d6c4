"""A real Celery worker process on Redis, for the tests that CI runs on real services."""

import os
import signal
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


def new_queue():
    return f"test-{uuid.uuid4().hex[:8]}"


class Worker:
    """`celery worker` on a queue of its own, against the database this process uses.

    It runs in a session of its own, so `kill()` takes the embedded beat (a child process)
    down with it, as a SIGKILL of a container would. `env` adds to or overrides this
    process's environment (a fault test points it at a proxy, a closed port...)."""

    def __init__(self, queue, *, beat=False, env=None, extra_args=()):
        self.queue, self.beat, self.extra_args = queue, beat, tuple(extra_args)
        self.env = dict(env or {})
        self.log_path = Path(f"/tmp/{queue}.log")
        self.process = None
        self.starts = 0

    def start(self, timeout=60):
        """Start it and return once it answers a ping."""
        from config.celery import app

        self.starts += 1
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "CELERY_QUEUE": self.queue,
            "SECRET_KEY": os.environ.get("SECRET_KEY", "test-only-secret-key"),
            "PYTHONUNBUFFERED": "1",
            **self.env,
        }
        hostname = f"{self.queue}-{self.starts}@localhost"
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "solo",
                   "--loglevel", "INFO", "-Q", self.queue, "--without-gossip",
                   "--without-mingle", "--hostname", hostname, *self.extra_args]
        if self.beat:
            command += ["--beat", "--schedule", f"/tmp/{self.queue}-{self.starts}-beat"]
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.log()}")
            if app.control.ping(destination=[hostname], timeout=1.0):
                return self
        self.kill()
        raise RuntimeError(f"celery worker did not start:\n{self.log()}")

    def kill(self):
        """SIGKILL to the worker and its beat: no warm shutdown, nothing acknowledged."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self):
        """Warm shutdown (the worker stops its beat), or SIGKILL after 20 s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()

    def log(self, tail=3000):
        return self.log_path.read_text(errors="replace")[-tail:]


@contextmanager
def tasks_sent_to(queue):
    """Tasks sent by this process go through Redis to `queue`, exactly as in production."""
    from config.celery import app

    previous = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    try:
        yield queue
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue = previous


@contextmanager
def celery_worker(extra_args=(), beat=False, env=None):
    """Start a Worker on a new queue, send this process's tasks to it; stop it after.
    Yields the queue name."""
    worker = Worker(new_queue(), beat=beat, env=env, extra_args=extra_args)
    with tasks_sent_to(worker.queue):
        try:
            worker.start()
            yield worker.queue
        finally:
            worker.stop()


def wait_for(predicate, timeout=60, interval=0.2, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")
