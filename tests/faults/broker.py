"""Pointing this process's tasks at a broker behind a proxy."""

from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit


def through(proxy, url):
    """`url` (redis://host:port/db) with the proxy's address instead of the server's."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"127.0.0.1:{proxy.port}"))


@contextmanager
def broker_at(url):
    """This process's tasks (and control messages) go to the broker at `url`. Celery keeps
    its connection pools once made: they are dropped on the way in and out. kombu keeps them
    too, in a registry keyed by the connection's address, so they are closed *and* forgotten
    there (kombu.pools.reset): a pool only closed would be handed back for the old address
    when it is restored, and every later test sending a task would get "Acquire on closed
    pool"."""
    from kombu import pools

    from config.celery import app

    def forget_pools():
        pools.reset()
        app._pool = None
        app.amqp._producer_pool = None

    previous = app.conf.broker_url
    app.conf.broker_url = url
    forget_pools()
    try:
        yield
    finally:
        app.conf.broker_url = previous
        forget_pools()
