"""How a refused HubSpot call is told apart: the one mapping from an HTTP failure to CRM errors.

429 → ``CrmUnavailable`` with ``retry_after`` (``Retry-After``, else HubSpot's rate-limit headers,
else a default); 5xx/408/423 → ``CrmUnavailable``; 401/403 → ``HubSpotAuthError``; anything else
→ ``HubSpotRejected`` carrying HubSpot's message and the property it names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from bot.crm.errors import CrmRejected, CrmUnavailable

DEFAULT_BACKOFF = 10.0  # seconds: HubSpot's burst limits roll over ten-second windows
DAILY_BACKOFF = 3600.0  # the daily limit resets at midnight in the portal's (unknown) time zone
_NAMED_PROPERTY = (
    re.compile(r'"name"\s*:\s*"([^"\\]+)"'),
    re.compile(r'[Pp]roperty \\?"([^"\\]+)\\?"'),
    re.compile(r"[Pp]roperty '([^']+)'"),
)


class HubSpotRejected(CrmRejected):
    """HubSpot refused the call (validation, not found, conflict); retrying will not help."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        category: str | None = None,
        property_name: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.category = category
        self.property_name = property_name


class HubSpotAuthError(CrmRejected):
    """The token was refused (401) or lacks a scope (403): someone must fix the private app."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.status = status


def refusal(
    status: int, headers: Mapping[str, str], body: bytes | str | None, operation: str
) -> Exception:
    """The exception for a failed HubSpot call, from its status, headers and body."""
    error = _error_json(body)
    said = str(error.get("message") or "").strip() or f"HTTP {status}"
    category = error.get("category")
    if status == 429:
        wait = retry_after(headers, error)
        return CrmUnavailable(f"HubSpot rate limit during {operation}: {said}", retry_after=wait)
    if status == 0 or status >= 500 or status in (408, 423):
        later = _seconds(_lower(headers).get("retry-after"))
        return CrmUnavailable(f"HubSpot failed during {operation}: {said}", retry_after=later)
    if status in (401, 403):
        why = "was revoked or is invalid" if status == 401 else "lacks a scope this call needs"
        text = f"HubSpot refused the access token during {operation}: the token {why} ({said})"
        return HubSpotAuthError(text, status=status)
    name = _property_named(error, said)
    text = f"HubSpot refused {operation}" + (f" (property {name!r})" if name else "") + f": {said}"
    return HubSpotRejected(
        text, status=status, category=str(category) if category else None, property_name=name
    )


def retry_after(headers: Mapping[str, str], error: Mapping[str, Any]) -> float:
    """Seconds to wait after a 429: Retry-After, else the rate-limit policy's window."""
    lowered = _lower(headers)
    if (given := _seconds(lowered.get("retry-after"))) is not None:
        return given
    policy = str(error.get("policyName") or "").upper()
    if policy == "DAILY" or lowered.get("x-hubspot-ratelimit-daily-remaining") == "0":
        return DAILY_BACKOFF
    interval = lowered.get("x-hubspot-ratelimit-interval-milliseconds", "")
    if interval.isdigit() and int(interval) > 0:
        return int(interval) / 1000
    if policy == "SECONDLY" or "x-hubspot-ratelimit-secondly" in lowered:
        return 1.0
    return DEFAULT_BACKOFF


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return min(max(seconds, 0.0), DAILY_BACKOFF) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - datetime.now(UTC)).total_seconds(), 0.0), DAILY_BACKOFF)


def _error_json(body: bytes | str | None) -> dict[str, Any]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
        return {"message": text[:300]}
    return data if isinstance(data, dict) else {}


def _property_named(error: Mapping[str, Any], message: str) -> str | None:
    for detail in error.get("errors") or []:
        names = (detail.get("context") or {}).get("propertyName") if isinstance(detail, dict) else 0
        if isinstance(names, list) and names:
            return str(names[0])
    for pattern in _NAMED_PROPERTY:
        if found := pattern.search(message):
            return found.group(1)
    return None
