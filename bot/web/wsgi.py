"""A small WSGI router; Slack's requests go to Bolt's own WSGI adapter untouched."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

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
    408: "Request Timeout",
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


@runtime_checkable
class SpeaksItsOwnErrors(Protocol):
    """An endpoint whose callers expect failures in its own format (a SOAP fault, say)."""

    def failure(self, status: int, message: str) -> JsonResponse | TextResponse: ...


def respond_json(
    start_response: StartResponse, response: JsonResponse | TextResponse
) -> Iterable[bytes]:
    if isinstance(response, TextResponse):
        payload, content_type = response.body.encode(), response.content_type
    else:
        payload = json.dumps(response.body, separators=(",", ":")).encode()
        content_type = "application/json"
    headers = [("Content-Type", content_type), ("Content-Length", str(len(payload)))]
    if response.status == 503:
        headers.append(("Retry-After", "30"))
    start_response(f"{response.status} {HTTP_REASONS.get(response.status, 'Unknown')}", headers)
    return [payload]


def _guarded(endpoint: Endpoint, environ: WSGIEnvironment) -> JsonResponse | TextResponse:
    try:
        return endpoint(environ)
    except (OperationalError, PoolTimeout) as error:
        # The database is down or overloaded: nothing was stored, and a sender that retries
        # on 503 (every CRM does) will deliver again once it is back.
        log.warning("%s: database unavailable: %s", environ.get("PATH_INFO"), error)
        return _failure(endpoint, 503, "database unavailable; retry later")
    except DBAPIError as error:
        if not error.connection_invalidated:
            return _internal_error(endpoint, environ)
        log.warning("%s: database connection lost: %s", environ.get("PATH_INFO"), error)
        return _failure(endpoint, 503, "database unavailable; retry later")
    except Exception:  # the HTTP boundary: logged with a reference, re-raised nowhere
        return _internal_error(endpoint, environ)


def _internal_error(endpoint: Endpoint, environ: WSGIEnvironment) -> JsonResponse | TextResponse:
    reference = uuid.uuid4().hex[:10]
    log.exception(
        "%s %s failed [%s]", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), reference
    )
    return _failure(endpoint, 500, f"internal error (reference {reference})")


def _failure(endpoint: Endpoint, status: int, message: str) -> JsonResponse | TextResponse:
    if isinstance(endpoint, SpeaksItsOwnErrors):
        return endpoint.failure(status, message)
    return JsonResponse(status, {"ok": False, "error": message})


def make_router(
    *,
    slack: WSGIApplication | None,
    endpoints: dict[tuple[str, str], Endpoint],
) -> WSGIApplication:
    """Route ``/slack/events`` to Slack's endpoint and ``(method, path)`` pairs to the others.

    A path registered as ``/prefix/{token}`` also answers ``/prefix/<anything>``: the
    endpoint checks the last segment itself (a secret in the URL, e.g. Salesforce's)."""
    paths = {path for _, path in endpoints}

    def application(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        path = environ.get("PATH_INFO", "/")
        if path == "/slack/events" and slack is not None:
            return slack(environ, start_response)
        endpoint = endpoints.get((method, path)) or endpoints.get((method, _with_token(path)))
        if endpoint is not None:
            return respond_json(start_response, _guarded(endpoint, environ))
        if path in paths or _with_token(path) in paths:
            allowed = sorted(m for m, p in endpoints if p in (path, _with_token(path)))
            return respond_json(
                start_response,
                JsonResponse(405, {"ok": False, "error": f"use {' or '.join(allowed)}"}),
            )
        return respond_json(start_response, JsonResponse(404, {"ok": False, "error": "not found"}))

    return application


def _with_token(path: str) -> str:
    return path.rsplit("/", 1)[0] + "/{token}"
