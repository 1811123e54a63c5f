"""Reading a request body without trusting the client: its length, its size, its speed.

``Content-Length`` must be plain ASCII digits (``²`` passes ``str.isdigit``; ``-1`` would
make a read wait for the end of the stream), at most ``max_bytes``, and the body must arrive
before ``deadline`` seconds are up: a client that stalls or drips gets 408, and its thread
is free again.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

DIGITS = re.compile(r"^[0-9]{1,10}$")
CHUNK = 64 * 1024
READ_DEADLINE_SECONDS = 30.0
# Per-read socket timeout applied when the server exposes its socket (gunicorn does).
SOCKET_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class BodyProblem:
    status: int
    message: str


def content_length(environ: WSGIEnvironment, *, max_bytes: int) -> int | BodyProblem:
    raw = str(environ.get("CONTENT_LENGTH") or "").strip()
    if not raw:
        return BodyProblem(411, "Content-Length is required")
    if not DIGITS.match(raw):
        return BodyProblem(400, "Content-Length is not a number of bytes")
    length = int(raw)
    if length > max_bytes:
        return BodyProblem(413, f"body larger than {max_bytes} bytes")
    return length


def read_body(
    environ: WSGIEnvironment, *, max_bytes: int, deadline: float = READ_DEADLINE_SECONDS
) -> bytes | BodyProblem:
    length = content_length(environ, max_bytes=max_bytes)
    if isinstance(length, BodyProblem):
        return length
    stream = environ["wsgi.input"]
    server_socket: Any = environ.get("gunicorn.socket")
    if server_socket is not None:
        server_socket.settimeout(SOCKET_TIMEOUT_SECONDS)
    # read1 returns after one receive, so the deadline is checked however slowly bytes drip.
    read = getattr(stream, "read1", None) or stream.read
    chunks: list[bytes] = []
    received = 0
    give_up = time.monotonic() + deadline
    try:
        while received < length:
            chunk = read(min(CHUNK, length - received))
            if not chunk:
                return BodyProblem(400, "the body ended before Content-Length bytes")
            chunks.append(chunk)
            received += len(chunk)
            if received < length and time.monotonic() > give_up:
                return BodyProblem(408, "the body did not arrive in time")
    except (TimeoutError, OSError):
        return BodyProblem(408, "the body did not arrive in time")
    return b"".join(chunks)
