"""The signed JSON webhook: signature check and payload validation, free of any HTTP framework."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictStr,
    ValidationError,
    field_validator,
)

from bot.config.playbook import CHANNEL_ID, Playbook
from bot.crm.events import Deal, DealEvent
from bot.domain.errors import InvalidEvent
from bot.web.signing import v0_signature, verify_v0
from storage.enums import CrmName

SOURCE = CrmName.WEBHOOK
MAX_BODY_BYTES = 1024 * 1024
TIMESTAMP_HEADER = "X-Handoff-Request-Timestamp"
SIGNATURE_HEADER = "X-Handoff-Signature"
MAX_FIELD_CHARS = 3000
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# Amounts fit the database's NUMERIC(18, 2): sixteen digits before the point.
MAX_AMOUNT = Decimal(10) ** 16
# Occurrence times a database and a calendar both hold, in any time zone.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)

signature = v0_signature


def verify_signature(
    *, secret: str, timestamp: str | None, given: str | None, body: bytes, now: float
) -> str | None:
    """``None`` when the request is authentic and fresh, else why it is not."""
    refusal = verify_v0(
        secret=secret,
        timestamp=timestamp,
        given=given,
        body=body,
        now=now,
        timestamp_header=TIMESTAMP_HEADER,
        signature_header=SIGNATURE_HEADER,
    )
    if refusal == "signature does not match":
        return "signature does not match (check CRM_WEBHOOK_SECRET)"
    return refusal


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class _DealBody(_Strict):
    id: StrictStr = Field(min_length=1, max_length=64)
    name: StrictStr = Field(min_length=1, max_length=255)
    stage: StrictStr = Field(min_length=1, max_length=120)
    account_name: StrictStr | None = Field(default=None, max_length=255)
    amount: Decimal | None = Field(
        default=None, ge=0, lt=MAX_AMOUNT, max_digits=18, decimal_places=2
    )
    currency: StrictStr | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    close_date: date | None = None
    owner_email: StrictStr | None = Field(default=None, max_length=320)
    url: StrictStr | None = Field(default=None, max_length=2000, pattern=r"^https?://\S+$")
    slack_channel_id: StrictStr | None = None
    fields: dict[str, StrictStr | None] = Field(default_factory=dict)

    @field_validator("owner_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not EMAIL.match(value):
            raise ValueError("is not an email address")
        return value.lower() if value else value

    @field_validator("slack_channel_id")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not CHANNEL_ID.match(value):
            raise ValueError("is not a Slack channel id (C… or G…)")
        return value

    @field_validator("amount", mode="before")
    @classmethod
    def _no_bool_or_text(cls, value: Any) -> Any:
        if isinstance(value, bool | str):
            raise ValueError("must be a number")
        return value


class _EventBody(_Strict):
    id: StrictStr = Field(min_length=1, max_length=255)
    type: Literal["deal.created", "deal.updated"]
    occurred_at: AwareDatetime
    deal: _DealBody

    @field_validator("occurred_at")
    @classmethod
    def _storable(cls, value: datetime) -> datetime:
        try:
            moment = value.astimezone(UTC)
        except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC form
            raise ValueError("is not a time between 1970 and 9000") from None
        if not EARLIEST <= moment < LATEST:
            raise ValueError("is not a time between 1970 and 9000")
        return moment


def parse_event(body: bytes, playbook: Playbook) -> DealEvent:
    """Validate a webhook body into a ``DealEvent`` or raise ``InvalidEvent`` naming the field."""
    try:
        # Numbers as Decimal: exact, and free of int()'s limit on digits, so a 5,000-digit
        # amount is refused by the model, naming its field.
        data = json.loads(body, parse_int=Decimal, parse_float=Decimal)
    except (UnicodeDecodeError, ValueError) as error:
        raise InvalidEvent(f"body is not valid JSON: {error}") from error
    except RecursionError as error:
        raise InvalidEvent("body is nested too deeply") from error
    if not isinstance(data, dict):
        raise InvalidEvent("body must be a JSON object")
    nul = _first_nul(data)
    if nul is not None:
        raise InvalidEvent(f"{nul}: contains a NUL character", field=nul)
    try:
        parsed = _EventBody.model_validate(data)
    except RecursionError as error:
        raise InvalidEvent("body is nested too deeply") from error
    except ValidationError as error:
        issue = error.errors()[0]
        location = ".".join(str(part) for part in issue["loc"])
        message = "is required" if issue["type"] == "missing" else issue["msg"]
        raise InvalidEvent(f"{location}: {message}", field=location) from error
    deal = parsed.deal
    for key, value in deal.fields.items():
        location = f"deal.fields.{key}"
        if playbook.field(key) is None:
            known = ", ".join(spec.key for spec in playbook.fields)
            raise InvalidEvent(f"{location}: not a playbook field (known: {known})", field=location)
        if value is not None and len(value) > MAX_FIELD_CHARS:
            raise InvalidEvent(
                f"{location}: longer than {MAX_FIELD_CHARS} characters", field=location
            )
    return DealEvent(
        source=SOURCE,
        external_id=parsed.id,
        occurred_at=parsed.occurred_at,
        deal=Deal(
            id=deal.id,
            name=deal.name,
            stage=deal.stage,
            account_name=deal.account_name,
            amount=deal.amount,
            currency=deal.currency,
            close_date=deal.close_date,
            ae_email=deal.owner_email,
            url=deal.url,
            slack_channel_id=deal.slack_channel_id,
            fields=dict(deal.fields),
        ),
    )


def _first_nul(value: object, path: str = "", depth: int = 0) -> str | None:
    """Where a NUL character hides (no database stores one in text), as a field path."""
    if depth > 20:
        return None  # the model refuses anything this deep anyway
    if isinstance(value, str):
        return path or "body" if "\x00" in value else None
    items: list[tuple[str, object]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if "\x00" in str(key):
                return name
            items.append((name, item))
    elif isinstance(value, list):
        items = [(f"{path}.{index}", item) for index, item in enumerate(value)]
    for name, item in items:
        found = _first_nul(item, name, depth + 1)
        if found is not None:
            return found
    return None
