"""The one shape every CRM trigger is normalised into before the workflow sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Deal:
    id: str
    name: str
    stage: str
    account_name: str | None = None
    amount: Decimal | None = None
    currency: str | None = None
    close_date: date | None = None
    ae_email: str | None = None  # the deal owner in the CRM
    url: str | None = None
    slack_channel_id: str | None = None
    fields: dict[str, str | None] = field(default_factory=dict)
    # True when the source sends only some attributes (an Outbound Message): None then means
    # "not sent", and the stored value stays.
    partial: bool = False


@dataclass(frozen=True, slots=True)
class DealEvent:
    source: str
    external_id: str
    occurred_at: datetime
    deal: Deal
