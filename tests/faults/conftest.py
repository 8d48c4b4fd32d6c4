"""What the fault tests share: a broker behind a proxy that can be cut,
and a record of how long each recovery took (printed at the end of the run)."""

import os
from urllib.parse import urlsplit

import pytest

from tests.tcp_proxy import TcpProxy

RECOVERIES = []


@pytest.fixture
def record_recovery(record_property):
    """record_recovery(what, value, unit="s"): kept in the JUnit report and printed after the
    run."""

    def record(what, value, unit="s"):
        RECOVERIES.append((what, value, unit))
        record_property(what, round(value, 2))

    return record


def pytest_terminal_summary(terminalreporter):
    if RECOVERIES:
        terminalreporter.section("fault recovery times")
        for what, value, unit in RECOVERIES:
            terminalreporter.write_line(f"{what}: {value:.2f}{unit}" if unit else
                                        f"{what}: {value}")


@pytest.fixture
def redis_proxy():
    """A proxy in front of REDIS_URL's server (tests.faults.broker.through gives its URLs)."""
    parts = urlsplit(os.environ["REDIS_URL"])
    with TcpProxy((parts.hostname or "127.0.0.1", parts.port or 6379)) as proxy:
        yield proxy
