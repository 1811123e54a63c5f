"""Reading a request's head (request line and headers) for the built-in server.

``http.server`` hands the headers to the ``email`` package's FeedParser, which was a fifth of
the CPU time of a served CRM event; a request head is lines of ``Name: value``, read here by a
plain loop into the same ``HTTPMessage``. What is not plainly HTTP/1.x is refused with the
status that says why, as ``http.server`` does: a malformed request line or version (400), a
header line without a name or with an obsolete folded continuation (400, RFC 9112 §5), a line
over 64 KiB or more than 100 headers (431), HTTP/2 or later (505).
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from http.client import HTTPMessage
from typing import Protocol

MAX_HEADER_LINE = 65536
MAX_HEADERS = 100


class Lines(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class HeadProblem:
    status: HTTPStatus
    message: str


@dataclass(frozen=True, slots=True)
class RequestLine:
    command: str
    path: str
    version: str
    keeps_alive: bool  # HTTP/1.1: the connection stays open unless the client says close


def parse_request_line(line: str) -> RequestLine | HeadProblem:
    words = line.split()
    if len(words) != 3:
        return HeadProblem(HTTPStatus.BAD_REQUEST, f"Bad request syntax ({line[:200]!r})")
    command, path, version = words
    major, dot, minor = version.removeprefix("HTTP/").partition(".")
    if (
        not version.startswith("HTTP/")
        or not dot
        or not (major.isascii() and major.isdigit() and minor.isascii() and minor.isdigit())
        or len(major) > 10
        or len(minor) > 10
    ):
        return HeadProblem(HTTPStatus.BAD_REQUEST, f"Bad request version ({version[:40]!r})")
    number = (int(major), int(minor))
    if number >= (2, 0):
        return HeadProblem(
            HTTPStatus.HTTP_VERSION_NOT_SUPPORTED, f"Invalid HTTP version ({version})"
        )
    if path.startswith("//"):  # not an absolute URL to another host: a path with empty segments
        path = "/" + path.lstrip("/")
    return RequestLine(command, path, version, keeps_alive=number >= (1, 1))


def read_headers(stream: Lines) -> HTTPMessage | HeadProblem:
    headers = HTTPMessage()
    for _ in range(MAX_HEADERS + 1):
        raw = stream.readline(MAX_HEADER_LINE + 1)
        if len(raw) > MAX_HEADER_LINE:
            return HeadProblem(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Line too long")
        if raw in (b"\r\n", b"\n", b""):
            return headers
        line = raw.decode("iso-8859-1")
        name, colon, value = line.partition(":")
        if not colon or not name or name != name.strip() or line[0] in " \t":
            return HeadProblem(HTTPStatus.BAD_REQUEST, f"Bad header line ({line[:80]!r})")
        headers[name] = value.strip(" \t\r\n")
    return HeadProblem(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many headers")
