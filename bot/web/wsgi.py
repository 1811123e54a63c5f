"""A small WSGI router; Slack's requests go to Bolt's own WSGI adapter untouched."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

log = logging.getLogger(__name__)

HTTP_REASONS = {
    200: "OK",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass(frozen=True, slots=True)
class JsonResponse:
    status: int
    body: dict[str, Any]


@dataclass(frozen=True, slots=True)
class TextResponse:
    status: int
    body: str
    content_type: str = "text/xml; charset=utf-8"


Endpoint = Callable[["WSGIEnvironment"], "JsonResponse | TextResponse"]


def respond_json(
    start_response: StartResponse, response: JsonResponse | TextResponse
) -> Iterable[bytes]:
    if isinstance(response, TextResponse):
        payload, content_type = response.body.encode(), response.content_type
    else:
        payload = json.dumps(response.body, separators=(",", ":")).encode()
        content_type = "application/json"
    start_response(
        f"{response.status} {HTTP_REASONS.get(response.status, 'Unknown')}",
        [("Content-Type", content_type), ("Content-Length", str(len(payload)))],
    )
    return [payload]


def _guarded(endpoint: Endpoint, environ: WSGIEnvironment) -> JsonResponse | TextResponse:
    try:
        return endpoint(environ)
    except (
        Exception
    ):  # the HTTP boundary: logged with a reference, answered as JSON, re-raised nowhere
        reference = uuid.uuid4().hex[:10]
        log.exception(
            "%s %s failed [%s]", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), reference
        )
        return JsonResponse(500, {"ok": False, "error": "internal error", "reference": reference})


def make_router(
    *,
    slack: WSGIApplication | None,
    endpoints: dict[tuple[str, str], Endpoint],
) -> WSGIApplication:
    """Route ``POST /slack/events`` to Bolt and ``(method, path)`` pairs to JSON endpoints."""
    paths = {path for _, path in endpoints}

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path == "/slack/events" and slack is not None:
            return slack(environ, start_response)
        endpoint = endpoints.get((method, path))
        if endpoint is not None:
            return respond_json(start_response, _guarded(endpoint, environ))
        if path in paths:
            allowed = sorted(m for m, p in endpoints if p == path)
            return respond_json(
                start_response,
                JsonResponse(405, {"ok": False, "error": f"use {' or '.join(allowed)}"}),
            )
        return respond_json(start_response, JsonResponse(404, {"ok": False, "error": "not found"}))

    return application
