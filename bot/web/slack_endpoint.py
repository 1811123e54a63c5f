"""``POST /slack/events``: Slack's requests checked at the door, then handed to Bolt.

Bolt parses a body before it verifies the signature, and a body it cannot parse (``payload=
%7Bbad``, ``[1]``, invalid UTF-8) escapes it as an exception: a 500 to anyone who asks. Here
the length, the signature and the shape are checked first; Bolt only ever sees requests that
are Slack's and readable. Everything refused is a 4xx with a reason, never a 5xx or a hang.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from typing import TYPE_CHECKING

from slack_bolt import App
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.request import BoltRequest

from bot.web.body import BodyProblem, read_body
from bot.web.signing import verify_v0
from bot.web.wsgi import JsonResponse, respond_json

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 5 * 1024 * 1024
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
# What parsing a hostile body can raise, in Bolt or in the JSON and form decoders under it.
MALFORMED = (UnicodeDecodeError, ValueError, TypeError, AttributeError, KeyError, RecursionError)


class SlackEndpoint:
    def __init__(
        self,
        bolt: App,
        *,
        signing_secret: str | None,
        now: Callable[[], float] = time.time,
        acking: Callable[[], AbstractContextManager[object]] = nullcontext,
    ) -> None:
        self._bolt = bolt
        self._secret = signing_secret
        self._now = now  # Slack signs with real time, whatever clock the workflow is given
        self._acking = acking

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        # From the door to the answer: work waiting for the acks (bot/handlers/later.py) counts
        # this request while its body is read and checked, not only once Bolt has it.
        with self._acking():
            return self._answer(environ, start_response)

    def _answer(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST":
            return _refuse(start_response, 405, "use POST")
        body = read_body(environ, max_bytes=MAX_BODY_BYTES)
        if isinstance(body, BodyProblem):
            return _refuse(start_response, body.status, body.message)
        if _is_ssl_check(body):
            # Slack checking the certificate when a URL is saved: Bolt answers it unsigned too.
            return _refuse(start_response, 200, "ok")
        if self._secret is not None:
            refusal = verify_v0(
                secret=self._secret,
                timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
                given=environ.get("HTTP_X_SLACK_SIGNATURE"),
                body=body,
                now=self._now(),
                timestamp_header=TIMESTAMP_HEADER,
                signature_header=SIGNATURE_HEADER,
            )
            if refusal is not None:
                log.info("refused a request to /slack/events: %s", refusal)
                return _refuse(start_response, 401, refusal)
        try:
            request = BoltRequest(
                body=body.decode("utf-8"),
                query=environ.get("QUERY_STRING", ""),
                headers=WsgiHttpRequest(environ).get_headers(),
            )
            if not isinstance(request.body, dict):
                raise TypeError("the body is not an object")
        except MALFORMED as error:
            log.info("refused a malformed request to /slack/events: %s", error)
            return _refuse(start_response, 400, f"malformed body: {type(error).__name__}")
        response = self._bolt.dispatch(request)
        answer = WsgiHttpResponse(
            status=response.status, headers=response.headers, body=response.body
        )
        start_response(answer.status, answer.get_headers())
        return answer.get_body()


def _refuse(start_response: StartResponse, status: int, message: str) -> Iterable[bytes]:
    body = {"ok": status < 400, "error" if status >= 400 else "message": message}
    return respond_json(start_response, JsonResponse(status, body))


def _is_ssl_check(body: bytes) -> bool:
    return b"ssl_check=1" in body and not body.lstrip().startswith((b"{", b"["))
