"""The signed JSON webhook: signature check and payload validation, free of any HTTP framework."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import date
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
from storage.enums import CrmName

SOURCE = CrmName.WEBHOOK
MAX_BODY_BYTES = 1024 * 1024
MAX_CLOCK_SKEW_SECONDS = 5 * 60
TIMESTAMP_HEADER = "X-Handoff-Request-Timestamp"
SIGNATURE_HEADER = "X-Handoff-Signature"
MAX_FIELD_CHARS = 3000
EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_signature(
    *, secret: str, timestamp: str | None, given: str | None, body: bytes, now: float
) -> str | None:
    """``None`` when the request is authentic and fresh, else why it is not."""
    if not timestamp or not given:
        return f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header"
    try:
        sent_at = int(timestamp)
    except ValueError:
        return f"{TIMESTAMP_HEADER} is not unix seconds"
    if abs(now - sent_at) > MAX_CLOCK_SKEW_SECONDS:
        return "request timestamp is more than 5 minutes away from now (replayed or clock skew)"
    if not hmac.compare_digest(signature(secret, timestamp, body), given):
        return "signature does not match (check CRM_WEBHOOK_SECRET)"
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, str_strip_whitespace=True)


class _DealBody(_Strict):
    id: StrictStr = Field(min_length=1, max_length=64)
    name: StrictStr = Field(min_length=1, max_length=255)
    stage: StrictStr = Field(min_length=1, max_length=120)
    account_name: StrictStr | None = Field(default=None, max_length=255)
    amount: Decimal | None = Field(default=None, ge=0, max_digits=18, decimal_places=2)
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


def parse_event(body: bytes, playbook: Playbook) -> DealEvent:
    """Validate a webhook body into a ``DealEvent`` or raise ``InvalidEvent`` naming the field."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidEvent(f"body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise InvalidEvent("body must be a JSON object")
    try:
        parsed = _EventBody.model_validate(data)
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
