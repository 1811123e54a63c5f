"""The one shape every CRM trigger is normalised into before the workflow sees it."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


class DealPhase(enum.StrEnum):
    """What a deal's stage means for its handoff."""

    CLOSING = "closing"  # won: the handoff starts
    PRE_CLOSE = "pre_close"  # about to close: the CS team is introduced early
    LOST = "lost"  # an open handoff closes quietly
    OTHER = "other"  # a stage the playbook does not watch


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
    # Set by adapters whose stages are ids mapped in the playbook (HubSpot); None: the stage
    # name is matched against the playbook's ``stages``.
    phase: DealPhase | None = None


@dataclass(frozen=True, slots=True)
class DealEvent:
    source: str
    external_id: str
    occurred_at: datetime
    deal: Deal
