"""A threaded stdlib HTTP server for ``python app.py`` and tests; production runs gunicorn.

Connections are kept alive (HTTP/1.1), as CRMs and load balancers reuse them: a connection has
a thread, which serves its requests one after another. A client that connects and stalls must
not keep that thread: every read on the socket times out after ``read_timeout`` (an idle
kept-alive connection too), and a request whose headers are not in after ``header_deadline``
(a client dripping a byte at a time) is cut off, by one watchdog thread per server. Bodies
have their own deadline where they are read (``bot.web.body``). A connection is closed after
any answer that leaves its stream in doubt: a body not read to its ``Content-Length``, a
chunked body, an answer without ``Content-Length``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler
from typing import IO, TYPE_CHECKING, Any, cast
from wsgiref.simple_server import ServerHandler, WSGIRequestHandler, WSGIServer, make_server

from bot.web.request_head import HeadProblem, parse_request_line, read_headers

if TYPE_CHECKING:
    from wsgiref.headers import Headers
    from wsgiref.types import WSGIApplication

log = logging.getLogger(__name__)

READ_TIMEOUT_SECONDS = 10.0
HEADER_DEADLINE_SECONDS = 15.0
MAX_REQUEST_LINE = 65536


class _Watchdog:
    """Cuts off connections whose request headers are late: one thread for the whole server
    (a timer thread per request would cost more than the request)."""

    def __init__(self) -> None:
        self._due: dict[_GuardedHandler, float] = {}
        self._lock = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="http-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def arm(self, handler: _GuardedHandler, seconds: float) -> None:
        with self._lock:
            self._due[handler] = time.monotonic() + seconds

    def disarm(self, handler: _GuardedHandler) -> None:
        with self._lock:
            self._due.pop(handler, None)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            self._lock.notify()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        with self._lock:
            while not self._stopped:
                now = time.monotonic()
                late = [handler for handler, due in self._due.items() if due <= now]
                for handler in late:
                    del self._due[handler]
                    handler.cut_off()
                self._lock.wait(timeout=self._tick)

    _tick = 0.1


class _ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128
    read_timeout = READ_TIMEOUT_SECONDS
    header_deadline = HEADER_DEADLINE_SECONDS
    watchdog: _Watchdog


class _Body(io.RawIOBase):
    """``wsgi.input`` of one request: at most ``Content-Length`` bytes of the stream, so an
    application can never read into the next request on the connection."""

    def __init__(self, stream: Any, length: int) -> None:
        super().__init__()
        self._stream = stream
        self.remaining = length

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.read, size)

    def read1(self, size: int = -1) -> bytes:
        return self._take(self._stream.read1, size)

    def readline(self, size: int | None = -1) -> bytes:
        return self._take(self._stream.readline, size)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _take(self, read: Any, size: int | None) -> bytes:
        wanted = self.remaining if size is None or size < 0 else min(size, self.remaining)
        if wanted <= 0:
            return b""
        data: bytes = read(wanted)
        self.remaining -= len(data)
        return data


class _Http11Handler(ServerHandler):
    http_version = "1.1"
    # wsgiref copies the whole process environment into every request's environ by default.
    os_environ: dict[str, str] = {}  # noqa: RUF012  # never mutated: wsgiref copies it
    request_handler: _GuardedHandler
    body: _Body

    def cleanup_headers(self) -> None:
        super().cleanup_headers()
        headers: Headers = self.headers  # type: ignore[attr-defined]  # set by start_response
        if self.request_handler.must_close(self.body) or "Content-Length" not in headers:
            self.request_handler.close_connection = True
            headers["Connection"] = "close"
        else:
            self.request_handler.answer_delimited = True


class _GuardedHandler(WSGIRequestHandler):
    server: _ThreadingWSGIServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    # Buffered: an answer's status line, headers and body leave in one write when the request
    # is done (handle_one_request flushes), not in four — each its own packet, Nagle being off.
    wbufsize = io.DEFAULT_BUFFER_SIZE
    _length: int | None = None
    answer_delimited = False  # the answer had a Content-Length, so the next one can follow

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.read_timeout)

    def handle(self) -> None:
        # wsgiref's handle() serves one request; http.server's loops while the client keeps
        # the connection alive, calling handle_one_request (below) for each.
        BaseHTTPRequestHandler.handle(self)

    def handle_one_request(self) -> None:
        self.server.watchdog.arm(self, self.server.header_deadline)
        try:
            self._serve_one()
            self.wfile.flush()
        except TimeoutError:  # a read or a write timed out: drop the connection
            self.close_connection = True
        finally:
            self.server.watchdog.disarm(self)

    def _serve_one(self) -> None:
        self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
        if not self.raw_requestline:
            self.close_connection = True
            return
        if len(self.raw_requestline) > MAX_REQUEST_LINE:
            self.requestline = self.request_version = self.command = ""
            self.send_error(414)
            self.close_connection = True
            return
        if not self.parse_request():  # an error was sent
            self.close_connection = True
            return
        self.server.watchdog.disarm(self)  # the body is read against its own deadline
        environ = self.get_environ()
        self._length = _declared_length(environ)
        body = _Body(self.rfile, self._length or 0)
        handler = _Http11Handler(  # the body is its wsgi.input
            body, cast("IO[bytes]", self.wfile), self.get_stderr(), environ, multithread=False
        )
        handler.request_handler = self
        handler.body = body
        app = self.server.get_app()
        assert app is not None
        self.answer_delimited = False
        handler.run(app)
        if not self.answer_delimited or self.must_close(body):
            self.close_connection = True

    def parse_request(self) -> bool:
        """``http.server``'s parse_request, with the head read by ``bot.web.request_head``."""
        self.command = None  # type: ignore[assignment]  # as http.server marks "none yet"
        self.request_version = self.default_request_version
        self.close_connection = True
        self.requestline = str(self.raw_requestline, "iso-8859-1").rstrip("\r\n")
        line = parse_request_line(self.requestline)
        if isinstance(line, HeadProblem):
            self.request_version = "HTTP/1.0"  # not 0.9: every refusal has a status line
            self.send_error(line.status, line.message)
            return False
        self.command, self.path, self.request_version = line.command, line.path, line.version
        self.close_connection = not line.keeps_alive
        headers = read_headers(self.rfile)
        if isinstance(headers, HeadProblem):
            self.send_error(headers.status, headers.message)
            return False
        self.headers = headers
        connection = headers.get("Connection", "").lower()
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = headers.get("Expect", "").lower()
        if expect == "100-continue" and line.keeps_alive:
            return self.handle_expect_100()
        return True

    def must_close(self, body: _Body) -> bool:
        """Whether the stream is in doubt after this request: the next request would not
        start where this one's body ends."""
        return (
            self.close_connection
            or self._length is None
            or body.remaining > 0
            or "Transfer-Encoding" in self.headers
        )

    def cut_off(self) -> None:
        log.info("%s sent no complete request in time; closing", self.address_string())
        with contextlib.suppress(OSError):  # already gone
            self.connection.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        self.server.watchdog.disarm(self)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def _declared_length(environ: dict[str, Any]) -> int | None:
    """The request's Content-Length, 0 when absent, None when it is not a plain number."""
    raw = str(environ.get("CONTENT_LENGTH") or "0").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


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
        self._server.watchdog = _Watchdog()
        self._server.watchdog.start()
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
        self._server.watchdog.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
