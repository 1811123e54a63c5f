"""A threaded stdlib HTTP server for ``python app.py`` and tests; production runs gunicorn.

Each connection has a thread, so a client that connects and stalls must not keep it: every
read on the socket times out after ``read_timeout``, and a request whose headers are not in
after ``header_deadline`` (a client dripping a byte at a time) is cut off. Bodies have their
own deadline where they are read (``bot.web.body``).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import socketserver
import threading
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger(__name__)

READ_TIMEOUT_SECONDS = 10.0
HEADER_DEADLINE_SECONDS = 15.0


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    read_timeout = READ_TIMEOUT_SECONDS
    header_deadline = HEADER_DEADLINE_SECONDS


class _GuardedHandler(WSGIRequestHandler):
    server: _ThreadingWSGIServer
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout)
        self._cutoff = threading.Timer(self.server.header_deadline, self._cut_off)
        self._cutoff.daemon = True
        self._cutoff.start()

    def parse_request(self) -> bool:
        parsed = super().parse_request()
        self._cutoff.cancel()  # the headers are in; the body is read against its own deadline
        return parsed

    def finish(self) -> None:
        self._cutoff.cancel()
        super().finish()

    def _cut_off(self) -> None:
        log.info("%s sent no complete request in time; closing", self.address_string())
        with contextlib.suppress(OSError):  # already gone
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class HttpServer:
    def __init__(
        self,
        app: WSGIApplication,
        *,
        host: str = "0.0.0.0",
        port: int = 3000,
        read_timeout: float = READ_TIMEOUT_SECONDS,
        header_deadline: float = HEADER_DEADLINE_SECONDS,
    ) -> None:
        self._server = make_server(
            host, port, app, server_class=_ThreadingWSGIServer, handler_class=_GuardedHandler
        )
        assert isinstance(self._server, _ThreadingWSGIServer)
        self._server.read_timeout = read_timeout
        self._server.header_deadline = header_deadline
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def serve_forever(self) -> None:
        self._server.serve_forever(poll_interval=0.05)

    def start_in_background(self) -> None:
        self._thread = threading.Thread(target=self.serve_forever, name="http", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
