"""Stalled and dripping clients release their thread; everyone else is served meanwhile.

These use real sockets, so they wait for real (short) timeouts: the server's are set to a
fraction of a second here; production uses 10 s per read and 15 s for the headers.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from bot.web.server import HttpServer
from tests.conftest import RunningApp

READ_TIMEOUT = 0.3
HEADER_DEADLINE = 0.6


@pytest.fixture
def server(running_app: RunningApp) -> Iterator[HttpServer]:
    http = HttpServer(
        running_app.runtime.wsgi_app,
        host="127.0.0.1",
        port=0,
        read_timeout=READ_TIMEOUT,
        header_deadline=HEADER_DEADLINE,
    )
    http.start_in_background()
    yield http
    http.stop()


def connect(server: HttpServer) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def closed_within(sock: socket.socket, seconds: float) -> tuple[bool, bytes]:
    """Whether the server ended the connection in time, and what it said first."""
    sock.settimeout(seconds)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except TimeoutError:
        return False, received
    return True, received


def healthy(server: HttpServer) -> bool:
    session = requests.Session()
    session.trust_env = False
    return session.get(f"http://127.0.0.1:{server.port}/healthz", timeout=5).status_code == 200


def test_a_client_that_sends_headers_and_stalls_the_body_gets_408(server: HttpServer) -> None:
    stalled = [connect(server) for _ in range(8)]
    for sock in stalled:
        sock.sendall(
            b"POST /crm/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"id":'
        )
    assert healthy(server)  # the stalled eight hold nobody else up
    for sock in stalled:
        closed, answer = closed_within(sock, 5)
        assert closed and answer.startswith(b"HTTP/1.1 408")
        sock.close()


def test_a_client_that_stalls_in_its_headers_is_cut_off(server: HttpServer) -> None:
    sock = connect(server)
    sock.sendall(b"POST /slack/events HTTP/1.1\r\nHost: x\r\n")
    closed, _ = closed_within(sock, 5)
    assert closed
    sock.close()


def test_a_client_dripping_its_headers_is_cut_off_at_the_deadline(server: HttpServer) -> None:
    sock = connect(server)
    started = time.monotonic()
    stop = threading.Event()

    def drip() -> None:
        sock.sendall(b"POST /crm/events HTTP/1.1\r\n")
        while not stop.is_set():
            try:
                sock.sendall(b"X-Drip: 1\r\n")
            except OSError:
                return
            time.sleep(READ_TIMEOUT / 3)

    dripper = threading.Thread(target=drip, daemon=True)
    dripper.start()
    closed, _ = closed_within(sock, 5)
    stop.set()
    dripper.join(timeout=5)
    assert closed and time.monotonic() - started < HEADER_DEADLINE + 2
    sock.close()


def test_threads_come_back_once_stalled_clients_are_dropped(server: HttpServer) -> None:
    before = threading.active_count()
    stalled = [connect(server) for _ in range(8)]
    for sock in stalled:
        sock.sendall(b"POST /crm/events HTTP/1.1\r\n")
    time.sleep(0.05)
    for sock in stalled:
        assert closed_within(sock, 5)[0]
        sock.close()
    deadline = time.monotonic() + 5
    while threading.active_count() > before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() <= before
