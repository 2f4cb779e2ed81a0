"""A correct store that talks to servers on the machine: HTTP on 127.0.0.1 and localhost, and a Unix socket.

Every save and lookup asks a small HTTP server of its process (started on first
use, again in each forked worker) and sends a line down a Unix socket, as a
store in front of a local cache or database server does. None of it leaves
the machine, so the kit must let all of it through.
"""

from __future__ import annotations

import http.server
import os
import socket
import tempfile
import threading
import urllib.request

from support.corpus import Expect

from tokenstore_conformance.reference_stores.memory_store import InMemoryTokenStore

EXPECT = Expect()

_servers: dict[int, tuple[int, str]] = {}  # pid -> (HTTP port, Unix socket path)
_lock = threading.Lock()
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never through a proxy


class _Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _unix_server(path: str) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)

    def serve() -> None:
        while True:
            connection, _ = listener.accept()
            with connection:
                connection.sendall(connection.recv(64))

    threading.Thread(target=serve, daemon=True).start()


def _local_servers() -> tuple[int, str]:
    with _lock:
        if os.getpid() not in _servers:
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            path = os.path.join(tempfile.mkdtemp(prefix="tsc-unix-"), "s")
            _unix_server(path)
            _servers[os.getpid()] = (server.server_address[1], path)
        return _servers[os.getpid()]


def _talk() -> None:
    port, path = _local_servers()
    for host in ("127.0.0.1", "localhost"):
        with DIRECT.open(f"http://{host}:{port}/", timeout=10) as answer:
            assert answer.read() == b"ok"
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as unix:
        unix.connect(path)
        unix.sendall(b"ping")
        assert unix.recv(64) == b"ping"


class Store(InMemoryTokenStore):
    def save_token(self, token):
        _talk()
        return super().save_token(token)

    def find_token(self, token):
        _talk()
        return super().find_token(token)
