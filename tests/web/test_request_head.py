"""The built-in server reads a request's head with its own loop (not email's FeedParser): what
is plainly HTTP/1.x is served as before, anything else is refused with the status that says
why, and the connection's fate follows the version and the Connection header (issue #10)."""

from __future__ import annotations

import io
import socket
from http import HTTPStatus

from bot.web.request_head import HeadProblem, RequestLine, parse_request_line, read_headers
from tests.conftest import RunningApp
from tests.web.test_keep_alive import Reader, connect


def headers_of(raw: bytes) -> object:
    return read_headers(io.BufferedReader(io.BytesIO(raw)))  # type: ignore[arg-type]


def test_a_request_line_names_command_path_and_version() -> None:
    assert parse_request_line("GET /healthz HTTP/1.1") == RequestLine(
        "GET", "/healthz", "HTTP/1.1", keeps_alive=True
    )
    assert parse_request_line("GET //evil.example/x HTTP/1.0") == RequestLine(
        "GET", "/evil.example/x", "HTTP/1.0", keeps_alive=False
    )


def test_request_lines_that_are_not_http_1_are_refused_with_their_reason() -> None:
    for line, status in [
        ("GET /", HTTPStatus.BAD_REQUEST),
        ("GET / HTTP/1.1 extra", HTTPStatus.BAD_REQUEST),
        ("GET / HTTP/x.1", HTTPStatus.BAD_REQUEST),
        ("GET / HTTP/1", HTTPStatus.BAD_REQUEST),
        ("GET / HTTP/１.1", HTTPStatus.BAD_REQUEST),  # a full-width digit is not a digit here
        ("GET / FTP/1.1", HTTPStatus.BAD_REQUEST),
        ("GET / HTTP/2.0", HTTPStatus.HTTP_VERSION_NOT_SUPPORTED),
    ]:
        problem = parse_request_line(line)
        assert isinstance(problem, HeadProblem) and problem.status == status, line


def test_headers_keep_their_order_repeats_and_values() -> None:
    headers = headers_of(b"Host: x\r\nX-A:  one \r\nx-a: two\r\nEmpty:\r\n\r\nbody")
    assert not isinstance(headers, HeadProblem)
    assert headers.get_all("X-A") == ["one", "two"]  # type: ignore[attr-defined]
    assert headers["host"] == "x" and headers["Empty"] == ""  # type: ignore[index]


def test_malformed_or_oversized_heads_are_refused() -> None:
    for raw, status in [
        (b"Host: x\r\n folded: continuation\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"No colon here\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"Bad Name : v\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b": no name\r\n\r\n", HTTPStatus.BAD_REQUEST),
        (b"X: " + b"a" * 70000 + b"\r\n\r\n", HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),
        (b"".join(b"X-%d: v\r\n" % n for n in range(101)) + b"\r\n", 431),
    ]:
        problem = headers_of(raw)
        assert isinstance(problem, HeadProblem) and problem.status == status, raw[:30]


def send(app: RunningApp, raw: bytes) -> tuple[int, Reader]:
    sock = connect(app)
    sock.sendall(raw)
    reader = Reader(sock)
    status, _, _ = reader.answer()
    return status, reader


def test_the_server_answers_a_bad_head_and_closes(app: RunningApp) -> None:
    status, reader = send(app, b"GET /healthz HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n")
    assert status == 400 and reader.closed()
    status, reader = send(app, b"GET /healthz HTTP/2.0\r\n\r\n")
    assert status == 505 and reader.closed()


def test_keep_alive_follows_the_version_and_the_connection_header(app: RunningApp) -> None:
    status, reader = send(app, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert status == 200
    reader.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert reader.answer()[0] == 200 and reader.closed()

    status, reader = send(app, b"GET /healthz HTTP/1.0\r\n\r\n")
    assert status == 200 and reader.closed()  # HTTP/1.0 closes unless asked to keep alive
    status, reader = send(app, b"GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert status == 200
    reader.sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reader.answer()[0] == 200
    reader.sock.shutdown(socket.SHUT_WR)
