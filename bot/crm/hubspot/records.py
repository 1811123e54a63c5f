"""The records ``HubSpotClient`` hands out, read from HubSpot's raw JSON answers.

The generated client's response models reject enum values they do not list (HubSpot adds
some over time), so answers are read as JSON into these dataclasses instead.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.crm.errors import CrmUnavailable


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
class HubSpotDeal:
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
    ) -> HubSpotDeal:
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
    options: tuple[str, ...] = ()  # the values an enumeration accepts
    owner_reference: bool = False  # a "HubSpot user" property: its values are owner ids

    @property
    def modifiable(self) -> bool:
        return not self.read_only

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PropertyInfo:
        meta = data.get("modificationMetadata") or {}
        read_only = bool(meta.get("readOnlyValue")) or bool(data.get("calculated"))
        options = tuple(
            str(option.get("value"))
            for option in data.get("options") or []
            if isinstance(option, dict) and option.get("value") is not None
        )
        return cls(
            name=str(data["name"]),
            label=str(data.get("label", "")),
            type=str(data.get("type", "")),
            field_type=str(data.get("fieldType", "")),
            group=str(data.get("groupName", "")),
            read_only=read_only,
            options=options,
            owner_reference=str(data.get("referencedObjectType", "")).upper() == "OWNER",
        )


@dataclass(frozen=True)
class TokenInfo:
    scopes: frozenset[str]
    hub_id: int | None  # the portal: webhook notifications must carry this portalId
    app_id: int | None


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
