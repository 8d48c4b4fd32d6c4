"""Local TCP endpoints for fault tests: a proxy that can be cut and restored, and a listener
that accepts connections and never answers. Threads only; nothing here touches the database.

A process pointed at `TcpProxy.url(...)` instead of the service sees the service go away
(connections reset, new ones refused: the port is closed) on `cut()` and come back on
`restore()`, on the same port."""

import socket
import threading
from contextlib import suppress


def _close(sock):
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def _listen(port=0):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    return listener


class _Acceptor:
    """Accepts on a port in a thread, hands each connection to `handle`; `close()` closes the
    port and every connection it accepted."""

    def __init__(self):
        self.port = None
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()

    def open(self):
        self._listener = _listen(self.port or 0)
        self.port = self._listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self._listener,), daemon=True).start()
        return self

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:  # closed
                return
            self.keep(client)
            self.handle(client)

    def keep(self, sock):
        with self._lock:
            self._sockets.add(sock)

    def handle(self, client):
        raise NotImplementedError

    def close(self):
        if self._listener is not None:
            _close(self._listener)
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    @property
    def is_open(self):
        return self._listener is not None

    def url(self, scheme, path=""):
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self):
        return self.open()

    def __exit__(self, *exc):
        self.close()


class TcpProxy(_Acceptor):
    """Forwards every connection to `target` ((host, port)) byte for byte."""

    def __init__(self, target):
        super().__init__()
        self.target = target

    def handle(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        self.keep(upstream)
        for source, sink in ((client, upstream), (upstream, client)):
            threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            _close(sink)

    def cut(self):
        """The service is gone: open connections reset, new ones refused."""
        self.close()

    def restore(self):
        """The service is back on the same port."""
        return self.open()


class Silent(_Acceptor):
    """Accepts connections, reads nothing, answers nothing: a hung service, or a firewall
    that drops packets after the handshake. Only a client's timeout ends the wait."""

    def handle(self, client):
        pass


def closed_port():
    """A port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
