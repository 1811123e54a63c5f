"""How a CRM deal lands on a handoff row: columns, and fields with their provenance."""

from __future__ import annotations

from datetime import datetime

from bot.crm.events import Deal
from storage.enums import FieldSource
from storage.models import FieldValue, Handoff

DEAL_ATTRIBUTES = (
    "deal_name",
    "account_name",
    "stage",
    "amount",
    "currency",
    "close_date",
    "deal_url",
    "ae_email",
    "requested_channel_id",
)


def deal_columns(deal: Deal) -> dict[str, object]:
    return {
        "deal_name": deal.name,
        "account_name": deal.account_name,
        "stage": deal.stage,
        "amount": deal.amount,
        "currency": deal.currency,
        "close_date": deal.close_date,
        "deal_url": deal.url,
        "ae_email": deal.ae_email,
        "requested_channel_id": deal.slack_channel_id,
    }


def copy_deal(handoff: Handoff, deal: Deal) -> None:
    if deal.ae_email != handoff.ae_email and not (deal.partial and deal.ae_email is None):
        handoff.ae_slack_id = None
        handoff.ae_lookup_done = False
    for name, value in deal_columns(deal).items():
        if value is None and deal.partial:
            continue
        setattr(handoff, name, value)


def merge_crm_fields(
    handoff: Handoff, crm_fields: dict[str, str | None], now: datetime
) -> tuple[list[str], list[str]]:
    """Apply CRM values. A value a person entered is never overwritten by the CRM: a
    differing CRM value is kept beside it as a conflict. Returns (changed, new conflicts)."""
    existing = {value.key: value for value in handoff.fields}
    changed: list[str] = []
    conflicts: list[str] = []
    for key, raw in crm_fields.items():
        value = (raw or "").strip()
        current = existing.get(key)
        if current is None:
            if value:
                handoff.fields.append(
                    FieldValue(key=key, value=value, source=FieldSource.CRM, updated_at=now)
                )
                changed.append(key)
        elif current.source is FieldSource.PERSON:
            differing = value if value and value != current.value else None
            if differing != current.crm_value:
                current.crm_value = differing
                changed.append(key)
                if differing is not None:
                    conflicts.append(key)
        elif current.value != value:
            if value:
                current.value = value
                current.updated_at = now
            else:
                handoff.fields.remove(current)
            changed.append(key)
    return changed, conflicts


def jsonable(value: object) -> object:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
