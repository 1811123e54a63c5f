"""HubSpot: the records ``HubSpotClient`` hands out, and how a refused call is told apart.

``refusal`` is the one mapping from an HTTP failure to the CRM errors the rest of Handoff knows:
429 → ``CrmUnavailable`` with ``retry_after`` (``Retry-After``, else HubSpot's rate-limit
headers, else a default); 5xx/408/423 → ``CrmUnavailable``; 401/403 → ``HubSpotAuthError``;
anything else → ``HubSpotRejected`` carrying HubSpot's message and the property it names.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
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


@dataclass(frozen=True)
class DealRecord:
    """A deal as the search returns it."""

    id: str
    properties: dict[str, str | None]
    modified_at: datetime

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DealRecord:
        props = dict(data.get("properties") or {})
        stamp = props.get("hs_lastmodifieddate") or data.get("updatedAt")
        return cls(str(data["id"]), props, parse_time(str(stamp)))


@dataclass(frozen=True)
class DealPage:
    deals: list[DealRecord]
    next_after: str | None  # None: nothing more in this search window
    total: int  # every match, including those past the 10,000-result window
    window_full: bool  # more matches lie past the window: search again from last_modified

    @property
    def last_modified(self) -> datetime | None:
        return self.deals[-1].modified_at if self.deals else None


@dataclass(frozen=True)
class Deal:
    """A deal read by id, with its owner and its (primary) company."""

    id: str
    properties: dict[str, str | None]
    modified_at: datetime | None
    owner_id: str | None
    company_id: str | None
    company_name: str | None

    @classmethod
    def from_json(
        cls, data: Mapping[str, Any], company_id: str | None, names: Mapping[str, str | None]
    ) -> Deal:
        props = dict(data.get("properties") or {})
        modified = props.get("hs_lastmodifieddate")
        return cls(
            id=str(data["id"]),
            properties=props,
            modified_at=parse_time(modified) if modified else None,
            owner_id=props.get("hubspot_owner_id") or None,
            company_id=company_id,
            company_name=names.get(company_id) if company_id else None,
        )


@dataclass(frozen=True)
class Owner:
    id: str
    email: str | None
    first_name: str | None
    last_name: str | None
    user_id: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Owner:
        return cls(
            id=str(data["id"]),
            email=data.get("email"),
            first_name=data.get("firstName"),
            last_name=data.get("lastName"),
            user_id=as_int(data.get("userId")),
        )


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    is_closed: bool = False
    probability: float | None = None  # 1.0 on closed-won stages, 0.0 on closed-lost

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Stage:
        meta = data.get("metadata") or {}
        probability: float | None
        try:
            probability = float(meta["probability"])
        except (KeyError, TypeError, ValueError):
            probability = None
        closed = str(meta.get("isClosed", "")).lower() == "true"
        return cls(str(data["id"]), str(data.get("label", "")), closed, probability)


@dataclass(frozen=True)
class Pipeline:
    id: str
    label: str
    stages: list[Stage]

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Pipeline:
        stages = sorted(data.get("stages") or [], key=lambda s: s.get("displayOrder", 0))
        return cls(
            str(data["id"]), str(data.get("label", "")), [Stage.from_json(s) for s in stages]
        )


@dataclass(frozen=True)
class PropertyInfo:
    name: str
    label: str
    type: str  # string, number, date, datetime, enumeration, bool
    field_type: str  # text, textarea, select, booleancheckbox, …
    group: str
    read_only: bool  # HubSpot computes or guards the value: it cannot be written

    @property
    def modifiable(self) -> bool:
        return not self.read_only

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PropertyInfo:
        meta = data.get("modificationMetadata") or {}
        read_only = bool(meta.get("readOnlyValue")) or bool(data.get("calculated"))
        return cls(
            name=str(data["name"]),
            label=str(data.get("label", "")),
            type=str(data.get("type", "")),
            field_type=str(data.get("fieldType", "")),
            group=str(data.get("groupName", "")),
            read_only=read_only,
        )


@dataclass(frozen=True)
class TokenInfo:
    scopes: frozenset[str]
    hub_id: int | None  # the portal: webhook notifications must carry this portalId
    app_id: int | None


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


def primary_target(result: Mapping[str, Any], primary_type: int) -> str | None:
    """From a v4 association batch result: the primary target's id, else the first one."""
    targets = result.get("to") or []
    for target in targets:
        if any(t.get("typeId") == primary_type for t in target.get("associationTypes") or []):
            return str(target["toObjectId"])
    return str(targets[0]["toObjectId"]) if targets else None


def json_object(raw: bytes | str | None) -> dict[str, Any]:
    """A successful answer's JSON object; anything else is a HubSpot fault, tried again later."""
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError as error:
        raise CrmUnavailable("HubSpot answered with something that is not JSON") from error
    if not isinstance(data, dict):
        raise CrmUnavailable("HubSpot answered with JSON that is not an object")
    return data


def parse_time(value: str) -> datetime:
    """HubSpot's datetimes: ISO 8601 (``…Z``) in the v3 APIs, epoch milliseconds elsewhere."""
    if value.isascii() and value.isdigit():
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    return datetime.fromisoformat(value).astimezone(UTC)


def as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


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
