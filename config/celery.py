"""Celery application. Without REDIS_URL tasks run eagerly, in-process, after commit."""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("zhizao")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_database_connections(sender=None, **kwargs):
    """Around each task on a worker, what Django does around each web request: close the
    connections that have outlived DATABASE_CONN_MAX_AGE or broke, and have the next use
    check the rest (CONN_HEALTH_CHECKS). Not for tasks run in-process (eagerly): they are
    inside their caller's request or transaction."""
    if sender is None or getattr(sender.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
