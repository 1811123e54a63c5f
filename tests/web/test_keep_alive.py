"""The built-in server keeps connections alive as CRMs and load balancers expect, and closes
them whenever the stream is in doubt: nothing left unread in one request is ever taken for
the next."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

from storage.models import Handoff, InboxEvent
from tests.conftest import RunningApp
from tests.support.events import deal_event
from tests.web.test_hostile_requests import crm_headers


def connect(app: RunningApp) -> socket.socket:
    address = urlsplit(app.url)
    return socket.create_connection((address.hostname, address.port), timeout=10)


def request(path: str, headers: dict[str, str], body: bytes = b"") -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("latin-1") + b"\r\n" + body


class Reader:
    """Answers read off one connection, one at a time, by their Content-Length."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def answer(self) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
        length = int(headers["content-length"])
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        assert status_line.startswith("HTTP/1.1 ")
        return int(status_line.split()[1]), headers, body

    def closed(self) -> bool:
        """Whether the server ends the connection with nothing more to say."""
        chunk = self.sock.recv(65536)
        self.buffer += chunk
        return chunk == b"" and self.buffer == b""

    def _receive(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed mid-answer")
        self.buffer += chunk


def event_body(deal_id: str, event_id: str) -> bytes:
    event = deal_event()
    event["id"] = event_id
    event["deal"]["id"] = deal_id
    return json.dumps(event).encode()


def test_several_events_on_one_connection_are_each_applied(running_app: RunningApp) -> None:
    bodies = [event_body(f"006KEEP{n}", f"evt_keep_{n}") for n in range(3)]
    with connect(running_app) as sock:
        reader = Reader(sock)
        for body in bodies:
            sock.sendall(request("/crm/events", crm_headers(running_app, body), body))
            status, headers, answer = reader.answer()
            assert status == 202 and json.loads(answer)["ok"] is True
            assert headers.get("connection") != "close"
    deals = sorted(handoff.deal_id for handoff in running_app.rows(Handoff))
    assert deals == ["006KEEP0", "006KEEP1", "006KEEP2"]


def test_a_body_left_unread_closes_the_connection_instead_of_being_read_as_a_request(
    running_app: RunningApp,
) -> None:
    smuggled = event_body("006SMUGGLED", "evt_smuggled")
    inner = request("/crm/events", crm_headers(running_app, smuggled), smuggled)
    headers = {"Content-Type": "text/plain", "Content-Length": str(len(inner))}
    with connect(running_app) as sock:
        sock.sendall(request("/crm/events", headers, inner))  # refused before its body is read
        reader = Reader(sock)
        status, answer_headers, _ = reader.answer()
        assert status == 415 and answer_headers["connection"] == "close"
        assert reader.closed()
    assert running_app.rows(Handoff) == [] and running_app.rows(InboxEvent) == []


def test_a_client_that_asks_to_close_is_answered_and_closed(running_app: RunningApp) -> None:
    body = event_body("006CLOSE", "evt_close")
    headers = {**crm_headers(running_app, body), "Connection": "close"}
    with connect(running_app) as sock:
        sock.sendall(request("/crm/events", headers, body))
        reader = Reader(sock)
        status, answer_headers, _ = reader.answer()
        assert status == 202 and answer_headers["connection"] == "close"
        assert reader.closed()
