"""A loopback fake of Slack's Web API that the real ``slack_sdk.WebClient`` talks to.

It answers the way Slack does (``ok``/``error`` envelopes, ``ts`` values, channel ids,
``name_taken``, ``users_not_found``), records every call with its arguments and when it came,
rejects unknown methods and missing arguments, validates Block Kit with ``slack_sdk.models``,
and injects 429 + Retry-After, 5xx, Slack errors (``missing_scope``…), slow answers and
connection resets (before or after doing the work) on demand.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from bot.sandbox.files import SIGN_IN_PAGE
from bot.sandbox.scopes import EVERY_SCOPE, needed_scopes, refusal
from bot.sandbox.validation import REQUIRED_ARGUMENTS
from bot.sandbox.workspace import BOT_USER_ID, Channel, Workspace


class _Server(ThreadingHTTPServer):
    # Slack takes every connection; with the default backlog of 5 a burst of answers from the
    # app would wait for a SYN retransmit (1 s) here, which Slack never makes it do.
    request_queue_size = 128


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]
    at: float = field(default=0.0, compare=False)  # FakeSlack.now() when the call came

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class Fault:
    """One injected failure. ``kind``: 'status' (HTTP ``status``), 'ratelimit' (429 with
    ``retry_after``), 'error' (HTTP 200 with ``ok: false`` and ``error``), 'reset' (drop the
    connection before doing the work), 'reset_after' (do the work, then drop the connection
    before answering), 'hold' (wait for ``release``) or 'slow' (answer normally, late).

    ``before`` runs when the fault strikes, before anything else: a test moves its injected
    clock there to make Slack "take" that long, deterministically."""

    kind: str
    method: str = "*"
    status: int = 500
    retry_after: int = 1
    times: int = 1
    # kind 'hold': the call waits until this event is set (a Slack that is slow to answer).
    release: threading.Event | None = None
    error: str = "internal_error"
    before: Callable[[], None] | None = None


class FakeSlack:
    def __init__(
        self,
        *,
        token: str = "xoxb-test-token",
        scopes: Iterable[str] | None = None,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        # The bot scopes the token was granted (every one it knows, unless told otherwise);
        # calls they do not cover are refused with missing_scope, as Slack does.
        self.scopes = frozenset(EVERY_SCOPE if scopes is None else scopes)
        self.now = now  # what Call.at records; tests hand in their injected clock
        self.calls: list[Call] = []
        self.workspace = Workspace()
        self._lock = self.workspace.lock
        self._faults: list[Fault] = []
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self.workspace.upload_base = self.url.replace("/api/", "/upload/")
        self.workspace.file_base = self.url.replace("/api/", "/files/")
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/"

    @property
    def response_url(self) -> str:
        """Where interaction payloads say to answer (Slack's hooks.slack.com/…)."""
        return self.url.replace("/api/", "/response/") + "T0HANDOFF/1/secret"

    def responses(self) -> list[dict[str, Any]]:
        """Messages sent to response_url (ephemeral replies to commands and clicks)."""
        return [call.args for call in self.calls_to("response_url")]

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- seeding and inspection -------------------------------------------------------------
    def add_user(self, user_id: str, *, email: str, name: str, tz: str = "Europe/London") -> str:
        with self._lock:
            self.workspace.users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": name,
                "tz": tz,
                "profile": {"email": email, "real_name": name},
            }
        return user_id

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, bot_is_member: bool = True
    ) -> str:
        with self._lock:
            channel = Channel(channel_id, name, is_private)
            if bot_is_member:
                channel.members.add(BOT_USER_ID)
            self.workspace.channels[channel_id] = channel
        return channel_id

    def add_usergroup(self, group_id: str, handle: str, members: list[str]) -> str:
        with self._lock:
            self.workspace.usergroups[group_id] = (handle, list(members))
        return group_id

    def uploads(self) -> list[dict[str, Any]]:
        """Files shared by the app: where, with which comment, and their bytes."""
        with self._lock:
            return [dict(shared) for shared in self.workspace.shared_files]

    def views(self, method: str = "views.open") -> list[dict[str, Any]]:
        """Views the app opened (or published), as Slack received them."""
        views: list[dict[str, Any]] = []
        for call in self.calls_to(method):
            view = call.args.get("view")
            views.append(json.loads(view) if isinstance(view, str) else dict(view or {}))
        return views

    def inject(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self.calls if call.method == method]

    def messages(self, channel_id: str) -> list[dict[str, Any]]:
        """Top-level and threaded messages of a channel, oldest first, as Slack stores them."""
        with self._lock:
            return [dict(m) for m in self.workspace.channels[channel_id].messages.values()]

    def channel(self, channel_id: str) -> dict[str, Any]:
        with self._lock:
            c = self.workspace.channels[channel_id]
            return {"id": c.id, "name": c.name, "members": set(c.members)}

    def channel_by_name(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            for c in self.workspace.channels.values():
                if c.name == name:
                    return self.channel(c.id)
        return None

    # -- request handling --------------------------------------------------------------------
    def _next_fault(self, method: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.method in ("*", method):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _handle(
        self, method: str, args: dict[str, Any], authorization: str | None
    ) -> dict[str, Any]:
        if method not in REQUIRED_ARGUMENTS:
            return {"ok": False, "error": "unknown_method"}
        if authorization != f"Bearer {self.token}":
            return {"ok": False, "error": "not_authed" if not authorization else "invalid_auth"}
        missing = [name for name in REQUIRED_ARGUMENTS[method] if args.get(name) in (None, "")]
        if missing:
            messages = [f"[ERROR] missing required field: {name}" for name in missing]
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": messages},
            }
        refused = refusal(needed_scopes(method, args, self.workspace.kind_of), self.scopes)
        return refused or self.workspace.call(method, args)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                if self.path.startswith("/files/"):
                    self._file()
                    return
                self._serve(dict(parse_qsl(self.path.partition("?")[2])))

            def _file(self) -> None:
                with fake._lock:
                    content = fake.workspace.file_content(
                        self.path, self.headers.get("Authorization"), fake.token
                    )
                    fake.calls.append(Call("file_download", {"path": self.path}, {"ok": True}))
                kind = "text/plain" if content is not None else "text/html"
                payload = SIGN_IN_PAGE if content is None else content
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type", "")
                args: dict[str, Any] = dict(parse_qsl(self.path.partition("?")[2]))
                if self.path.startswith("/upload/"):
                    args["_raw"] = raw
                elif "json" in content_type and raw:
                    args.update(json.loads(raw))
                elif raw:
                    args.update(parse_qsl(raw.decode()))
                self._serve(args)

            def _serve(self, args: dict[str, Any]) -> None:
                if self.path.startswith("/upload/"):
                    fake.workspace.uploads[self.path.rsplit("/", 1)[1]] = args.get("_raw", b"")
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"OK")
                    return
                if self.path.startswith("/response/"):
                    with fake._lock:
                        fake.calls.append(Call("response_url", args, {"ok": True}, fake.now()))
                    self._send(200, {"ok": True})
                    return
                method = self.path.partition("?")[0].removeprefix("/api/")
                fault = fake._next_fault(method)
                if fault and fault.before is not None:
                    fault.before()
                if fault and fault.kind == "hold" and fault.release is not None:
                    fault.release.wait(timeout=30)
                if fault and fault.kind == "reset":
                    self._reset()
                    return
                if fault and fault.kind == "status":
                    self._send(fault.status, {"ok": False, "error": "internal_error"})
                    return
                if fault and fault.kind == "ratelimit":
                    self._send(
                        429,
                        {"ok": False, "error": "ratelimited"},
                        {"Retry-After": str(fault.retry_after)},
                    )
                    return
                if fault and fault.kind == "error":
                    self._send(200, {"ok": False, "error": fault.error})
                    return
                response = fake._handle(method, args, self.headers.get("Authorization"))
                with fake._lock:
                    fake.calls.append(Call(method, args, response, fake.now()))
                if fault and fault.kind == "reset_after":
                    self._reset()
                    return
                self._send(200, response)

            def _send(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                # Slack names the token's scopes on every Web API answer.
                self.send_header("x-oauth-scopes", ",".join(sorted(fake.scopes)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def _reset(self) -> None:
                # SO_LINGER with a zero timeout makes close() send a TCP RST.
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True
                self.connection.close()

        return Handler
