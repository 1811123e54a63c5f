"""Sample CRM events, shaped as in the README."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.conftest import AE_EMAIL, DEAL_CHANNEL, START


def deal_event(
    event_id: str = "evt_8f2c",
    *,
    occurred_at: datetime = START,
    stage: str = "Closed Won",
    fields: dict[str, Any] | None = None,
    channel: str | None = DEAL_CHANNEL,
    **deal: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "006Dn000004TmiQ",
        "name": "Acme — Platform",
        "stage": stage,
        "account_name": "Acme Corp",
        "amount": 120000,
        "currency": "USD",
        "close_date": "2026-11-21",
        "owner_email": AE_EMAIL,
        "url": "https://crm.example/deals/006Dn000004TmiQ",
        "fields": {"primary_use_case": "Consolidate billing", "success_metrics": "DSO −10 days"}
        if fields is None
        else fields,
    }
    if channel:
        body["slack_channel_id"] = channel
    body.update(deal)
    return {
        "id": event_id,
        "type": "deal.updated",
        "occurred_at": occurred_at.isoformat().replace("+00:00", "Z"),
        "deal": body,
    }
