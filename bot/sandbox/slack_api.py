"""A loopback fake of Slack's Web API that the real ``slack_sdk.WebClient`` talks to.

It answers the way Slack does (``ok``/``error`` envelopes, ``ts`` values, channel ids,
``name_taken``, ``users_not_found``), records every call with its arguments, rejects unknown
methods and missing arguments, validates Block Kit with ``slack_sdk.models``, and injects
429 + Retry-After, 5xx and connection resets (before or after doing the work) on demand.
"""

from __future__ import annotations

import itertools
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

BOT_USER_ID = "UHANDOFFBOT"
TEAM_ID = "T0HANDOFF"
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")
# What slack_sdk.models raises for a malformed or over-limit block.
INVALID_BLOCK_ERRORS = (SlackObjectFormationError, KeyError, TypeError, ValueError, AttributeError)

REQUIRED_ARGUMENTS: dict[str, tuple[str, ...]] = {
    "auth.test": (),
    "chat.postMessage": ("channel",),
    "chat.update": ("channel", "ts"),
    "chat.postEphemeral": ("channel", "user"),
    "conversations.create": ("name",),
    "conversations.list": (),
    "conversations.join": ("channel",),
    "conversations.invite": ("channel", "users"),
    "conversations.history": ("channel",),
    "conversations.info": ("channel",),
    "users.lookupByEmail": ("email",),
    "users.info": ("user",),
    "views.open": ("trigger_id", "view"),
    "views.update": ("view",),
    "views.push": ("trigger_id", "view"),
    "views.publish": ("user_id", "view"),
    "usergroups.users.list": ("usergroup",),
}


@dataclass(frozen=True)
class Call:
    method: str
    args: dict[str, Any]
    response: dict[str, Any]

    @property
    def ok(self) -> bool:
        return bool(self.response.get("ok"))


@dataclass
class Fault:
    """One injected failure. ``kind``: 'status' (HTTP ``status``), 'ratelimit' (429 with
    ``retry_after``), 'reset' (drop the connection before doing the work) or 'reset_after'
    (do the work, then drop the connection before answering)."""

    kind: str
    method: str = "*"
    status: int = 500
    retry_after: int = 1
    times: int = 1


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)


class FakeSlack:
    def __init__(self, *, token: str = "xoxb-test-token") -> None:
        self.token = token
        self.calls: list[Call] = []
        self._channels: dict[str, _Channel] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._epoch = int(time.time())
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/api/"

    def start(self) -> FakeSlack:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- seeding and inspection -------------------------------------------------------------
    def add_user(self, user_id: str, *, email: str, name: str, tz: str = "Europe/London") -> str:
        with self._lock:
            self._users[user_id] = {
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
            channel = _Channel(channel_id, name, is_private)
            if bot_is_member:
                channel.members.add(BOT_USER_ID)
            self._channels[channel_id] = channel
        return channel_id

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
            return [dict(m) for m in self._channels[channel_id].messages.values()]

    def channel(self, channel_id: str) -> dict[str, Any]:
        with self._lock:
            c = self._channels[channel_id]
            return {"id": c.id, "name": c.name, "members": set(c.members)}

    def channel_by_name(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            for c in self._channels.values():
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
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {
                    "messages": [f"[ERROR] missing required field: {m}" for m in missing]
                },
            }
        handler: Callable[[dict[str, Any]], dict[str, Any]] = getattr(
            self, "_m_" + method.replace(".", "_")
        )
        with self._lock:
            return handler(args)

    def _new_ts(self) -> str:
        return f"{self._epoch}.{next(self._ts):06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _member_channel(self, channel_id: str) -> tuple[_Channel | None, dict[str, Any] | None]:
        channel = self._channels.get(channel_id)
        if channel is None:
            return None, {"ok": False, "error": "channel_not_found"}
        if BOT_USER_ID not in channel.members:
            return None, {"ok": False, "error": "not_in_channel"}
        return channel, None

    # -- methods -----------------------------------------------------------------------------
    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://handoff-sandbox.slack.com/",
            "team": "Sandbox",
            "user": "handoff",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "BHANDOFF",
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = _message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        ts = self._new_ts()
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": _as_list(args.get("blocks")),
            "channel": channel.id,
        }
        if args.get("thread_ts"):
            if args["thread_ts"] not in channel.messages:
                return {"ok": False, "error": "thread_not_found"}
            message["thread_ts"] = args["thread_ts"]
        metadata = _as_dict(args.get("metadata"))
        if metadata:
            message["metadata"] = metadata
        channel.messages[ts] = message
        return {"ok": True, "channel": channel.id, "ts": ts, "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = _message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        channel = self._channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        message = channel.messages.get(args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message["user"] != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        message["text"] = args.get("text", message["text"])
        if "blocks" in args:
            message["blocks"] = _as_list(args["blocks"])
        message["edited"] = {"user": BOT_USER_ID, "ts": self._new_ts()}
        return {"ok": True, "channel": channel.id, "ts": args["ts"], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = _message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        return {"ok": True, "message_ts": self._new_ts()}

    def _m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args["name"])
        if not CHANNEL_NAME.match(name):
            return {"ok": False, "error": "invalid_name_specials"}
        if any(c.name == name for c in self._channels.values()):
            return {"ok": False, "error": "name_taken"}
        private = str(args.get("is_private", "false")).lower() == "true"
        channel = _Channel(self._new_id("C"), name, private, {BOT_USER_ID})
        self._channels[channel.id] = channel
        return {"ok": True, "channel": {"id": channel.id, "name": name, "is_private": private}}

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        limit = int(args.get("limit", 100))
        public = sorted(
            (c for c in self._channels.values() if not c.is_private), key=lambda c: c.id
        )
        start = int(args.get("cursor") or 0)
        page = public[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(public) else ""
        return {
            "ok": True,
            "channels": [
                {"id": c.id, "name": c.name, "is_member": BOT_USER_ID in c.members} for c in page
            ],
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel.members.add(BOT_USER_ID)
        return {"ok": True, "channel": {"id": channel.id, "name": channel.name}}

    def _m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        users = args["users"] if isinstance(args["users"], list) else str(args["users"]).split(",")
        for user in users:
            if user not in self._users:
                return {"ok": False, "error": "user_not_found"}
            if user in channel.members:
                return {"ok": False, "error": "already_in_channel"}
        channel.members.update(users)
        return {"ok": True, "channel": {"id": channel.id, "name": channel.name}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        oldest = float(args.get("oldest") or 0)
        include_metadata = str(args.get("include_all_metadata", "false")).lower() in ("true", "1")
        found = []
        for message in sorted(channel.messages.values(), key=lambda m: m["ts"], reverse=True):
            if "thread_ts" in message or float(message["ts"]) < oldest:
                continue
            shown = {k: v for k, v in message.items() if k != "metadata" or include_metadata}
            found.append(shown)
        return {
            "ok": True,
            "messages": found,
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self._channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {"id": channel.id, "name": channel.name, "is_private": channel.is_private},
        }

    def _m_users_lookupByEmail(self, args: dict[str, Any]) -> dict[str, Any]:
        for user in self._users.values():
            if user["profile"]["email"].lower() == str(args["email"]).lower():
                return {"ok": True, "user": user}
        return {"ok": False, "error": "users_not_found"}

    def _m_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self._users.get(args["user"])
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _view_response(self, args: dict[str, Any]) -> dict[str, Any]:
        view = _as_dict(args.get("view"))
        problem = _view_problem(view)
        if problem:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": [problem]},
            }
        return {"ok": True, "view": {"id": self._new_id("V"), **view}}

    def _m_usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": False, "error": "no_such_subteam"}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                self._serve(dict(parse_qsl(self.path.partition("?")[2])))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                content_type = self.headers.get("Content-Type", "")
                args: dict[str, Any] = dict(parse_qsl(self.path.partition("?")[2]))
                if "json" in content_type and raw:
                    args.update(json.loads(raw))
                elif raw:
                    args.update(parse_qsl(raw.decode()))
                self._serve(args)

            def _serve(self, args: dict[str, Any]) -> None:
                method = self.path.partition("?")[0].removeprefix("/api/")
                fault = fake._next_fault(method)
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
                response = fake._handle(method, args, self.headers.get("Authorization"))
                with fake._lock:
                    fake.calls.append(Call(method, args, response))
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


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return json.loads(value) if isinstance(value, str) else list(value)


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def _message_problem(args: dict[str, Any]) -> str | None:
    blocks = _as_list(args.get("blocks"))
    if not args.get("text") and not blocks and not args.get("attachments"):
        return "no_text"
    if len(str(args.get("text") or "")) > 40000:
        return "msg_too_long"
    if blocks and not args.get("text"):
        # Slack accepts this but warns: every message must carry a notification fallback.
        return "missing_text_fallback"
    if len(blocks) > 50:
        return "invalid_blocks"
    return "invalid_blocks" if _blocks_problem(blocks) else None


def _blocks_problem(blocks: list[dict[str, Any]]) -> str | None:
    try:
        for raw in blocks:
            block = Block.parse(raw)
            if block is None:
                return f"unknown block {raw!r}"
            block.validate_json()
    except INVALID_BLOCK_ERRORS as error:
        return f"{type(error).__name__}: {error}"
    return None


def _view_problem(view: dict[str, Any]) -> str | None:
    try:
        View(**view).validate_json()
    except INVALID_BLOCK_ERRORS as error:
        return f"invalid view: {type(error).__name__}: {error}"
    return None
