"""The one door every HubSpot call goes through: counted, paused after a 429, errors mapped.

A 429 pauses every call on this transport until HubSpot's window has passed (``Retry-After``,
else its rate-limit headers), so the jobs sharing the client wait together instead of each
spending a refused call to learn the limit. Transport failures and 5xx become
``CrmUnavailable``; 401/403 ``HubSpotAuthError``; other refusals ``HubSpotRejected``.
urllib3's own retries are off: the caller's job queue retries, and ``calls`` counts what
HubSpot saw.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import hubspot.crm.associations.v4 as hs_assoc  # type: ignore[import-untyped]
import hubspot.crm.companies as hs_companies  # type: ignore[import-untyped]
import hubspot.crm.deals as hs_deals  # type: ignore[import-untyped]
import hubspot.crm.objects.notes as hs_notes  # type: ignore[import-untyped]
import hubspot.crm.objects.tasks as hs_tasks  # type: ignore[import-untyped]
import hubspot.crm.owners as hs_owners  # type: ignore[import-untyped]
import hubspot.crm.pipelines as hs_pipelines  # type: ignore[import-untyped]
import hubspot.crm.properties as hs_properties  # type: ignore[import-untyped]
import requests
import urllib3

from bot.crm.errors import CrmUnavailable
from bot.crm.hubspot.errors import refusal
from bot.crm.hubspot.records import json_object

_GENERATED = (hs_assoc, hs_companies, hs_deals, hs_notes, hs_tasks, hs_owners, hs_pipelines)
# Every generated package has its own ApiException class, with no common base.
_API_ERRORS: tuple[Any, ...] = tuple(m.ApiException for m in (*_GENERATED, hs_properties))


class Transport:
    def __init__(self, *, timeout: float, now: Callable[[], datetime]) -> None:
        self._timeout = timeout
        self._now = now
        self._lock = threading.Lock()
        self._paused_until: datetime | None = None
        self._http = requests.Session()  # for the one endpoint the generated client lacks
        self._http.trust_env = False  # like urllib3 under the generated client: no env proxies
        self.calls = 0
        self.api_usage: str | None = None  # "used/limit" today, from the daily-limit headers

    def send(
        self,
        operation: Callable[..., Any],
        *args: Any,
        missing_ok: bool = False,
        exist_ok: bool = False,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Call a generated operation once; its JSON answer, or the mapped failure."""
        self._admit()
        where = operation.__module__.removeprefix("hubspot.").replace(".api.", ".")
        name = f"{where}.{operation.__name__}"  # e.g. crm.deals.batch_api.read
        try:
            response = operation(
                *args, _preload_content=False, _request_timeout=self._timeout, **kwargs
            )
            raw = response.data  # read here: a broken body is a transport failure too
        except _API_ERRORS as error:
            status = int(error.status or 0)
            if (missing_ok and status == 404) or (exist_ok and status == 409):
                return {}
            raise self._refused(status, error.headers or {}, error.body, name) from error
        except urllib3.exceptions.HTTPError as error:
            raise CrmUnavailable(f"HubSpot unreachable during {name}: {error}") from error
        self._note_usage(response.headers)
        return json_object(raw)

    def post(self, url: str, body: dict[str, Any], *, token: str, name: str) -> dict[str, Any]:
        """POST JSON with ``requests``, for an endpoint the generated client does not wrap."""
        self._admit()
        headers = {"Authorization": f"Bearer {token}"}
        try:
            answer = self._http.post(url, json=body, headers=headers, timeout=self._timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise CrmUnavailable(f"HubSpot unreachable: {type(error).__name__}") from error
        if not answer.ok:
            raise self._refused(answer.status_code, answer.headers, answer.content, name)
        self._note_usage(answer.headers)
        return json_object(answer.content)

    def _admit(self) -> None:
        """Count the call about to be sent, unless a rate limit still holds."""
        now = self._now()
        with self._lock:
            if self._paused_until is not None and now < self._paused_until:
                wait = (self._paused_until - now).total_seconds()
                raise CrmUnavailable("HubSpot rate limit: waiting for its window", retry_after=wait)
            self.calls += 1

    def _refused(
        self, status: int, headers: Mapping[str, str], body: bytes | str | None, name: str
    ) -> Exception:
        error = refusal(status, headers, body, name)
        if status == 429 and isinstance(error, CrmUnavailable) and error.retry_after:
            with self._lock:
                self._paused_until = self._now() + timedelta(seconds=error.retry_after)
        return error

    def _note_usage(self, headers: Mapping[str, str]) -> None:
        limit = headers.get("X-HubSpot-RateLimit-Daily")
        left = headers.get("X-HubSpot-RateLimit-Daily-Remaining")
        if limit and left and limit.isdigit() and left.isdigit():
            self.api_usage = f"{int(limit) - int(left)}/{limit}"
