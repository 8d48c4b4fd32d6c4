"""A local HTTP server in a thread that records what it receives and answers from a script.

`answers` is a list of (status, delay seconds) consumed in order, one per request; when it is
empty every request gets `default_status`. Nothing here touches the database."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class Script:
    answers: list = field(default_factory=list)
    default_status: int = 200
    received: list = field(default_factory=list)
    # Run on each request with (Received); may return a status that overrides the script.
    judge: object = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        script = self.server.script
        length = int(self.headers.get("Content-Length") or 0)
        got = Received(self.command, self.path, dict(self.headers.items()), self.rfile.read(length))
        with script.lock:
            script.received.append(got)
            status, delay = script.answers.pop(0) if script.answers else (script.default_status, 0)
        if script.judge is not None:
            status = script.judge(got) or status
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:  # the client gave up (timeout)
            pass

    def log_message(self, *args):
        pass


class LocalServer:
    def __init__(self):
        self.script = Script()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.script = self.script
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def received(self):
        return self.script.received

    def answer(self, *statuses, delay=0):
        """Queue the next answers' statuses."""
        self.script.answers.extend((status, delay) for status in statuses)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
