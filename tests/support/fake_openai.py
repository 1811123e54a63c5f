"""A loopback stand-in for an OpenAI-compatible `POST /v1/chat/completions`.

Threaded http.server on 127.0.0.1, port 0. It checks each request's shape (model, a system and
a user message, `response_format` of type json_schema with a schema), records the request, and
answers with the next scripted reply: a JSON answer, raw content, an HTTP error status, or a
stall longer than the client's timeout.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_BODY = 5_000_000


@dataclass(frozen=True)
class Reply:
    status: int = 200
    content: str | None = None  # the assistant message content
    stall_seconds: float = 0.0
    error: str = ""

    @staticmethod
    def answer(data: dict[str, Any]) -> Reply:
        return Reply(content=json.dumps(data))

    @staticmethod
    def raw(content: str) -> Reply:
        return Reply(content=content)

    @staticmethod
    def status_code(status: int, message: str = "scripted error") -> Reply:
        return Reply(status=status, error=message)

    @staticmethod
    def stall(seconds: float, data: dict[str, Any] | None = None) -> Reply:
        return Reply(content=json.dumps(data or {}), stall_seconds=seconds)


@dataclass
class FakeOpenAI:
    model: str = "test-model"
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    base_url: str = ""

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if self.replies else Reply.status_code(500, "no reply scripted")

    def check(self, body: Any) -> list[str]:
        """What is wrong with a request body, if anything."""
        if not isinstance(body, dict):
            return ["body is not a JSON object"]
        problems = []
        if body.get("model") != self.model:
            problems.append(f"model is {body.get('model')!r}, expected {self.model!r}")
        messages = body.get("messages")
        roles = [m.get("role") for m in messages] if isinstance(messages, list) else []
        if roles != ["system", "user"]:
            problems.append(f"messages roles are {roles}, expected system then user")
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema")
        if fmt.get("type") != "json_schema" or not isinstance(schema, dict):
            problems.append("response_format is not a json_schema with a schema")
        return problems


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
            return

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.path != "/v1/chat/completions" or length > MAX_BODY:
                self._send(404, {"error": {"message": f"unexpected {self.path}"}})
                return
            try:
                body = json.loads(self.rfile.read(length))
            except json.JSONDecodeError:
                body = None
            fake.requests.append(body if isinstance(body, dict) else {})
            problems = fake.check(body)
            if problems:
                fake.problems += problems
                self._send(400, {"error": {"message": "; ".join(problems)}})
                return
            reply = fake.next_reply()
            if reply.stall_seconds:
                fake.release.wait(reply.stall_seconds)  # released early when the fake stops
            if reply.status != 200:
                self._send(reply.status, {"error": {"message": reply.error, "type": "scripted"}})
                return
            self._send(200, _completion(fake.model, reply.content or ""))

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (its timeout); nothing to answer

    return Handler


def _completion(model: str, content: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": content, "refusal": None},
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def running_fake(model: str = "test-model") -> Iterator[FakeOpenAI]:
    fake = FakeOpenAI(model=model)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    try:
        yield fake
    finally:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
