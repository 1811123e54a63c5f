"""A HubSpot deal as Handoff sees it: the properties read, and the ``DealEvent`` it makes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from bot.config.hubspot_mapping import HubSpotMapping
from bot.crm.events import Deal, DealEvent, DealPhase
from bot.crm.hubspot.records import parse_time
from storage.enums import CrmName

SOURCE = CrmName.HUBSPOT
BASE_PROPERTIES = (
    "dealname",
    "amount",
    "closedate",
    "dealstage",
    "pipeline",
    "hubspot_owner_id",
    "hs_lastmodifieddate",
)
PHASES = {"closing": DealPhase.CLOSING, "pre_close": DealPhase.PRE_CLOSE, "lost": DealPhase.LOST}
Properties = Mapping[str, str | None]


def read_properties(mapping: HubSpotMapping) -> list[str]:
    extra = [*mapping.fields.values(), *([mapping.currency] if mapping.currency else [])]
    return list(dict.fromkeys([*BASE_PROPERTIES, *extra]))


def external_id(deal_id: str, modified_at: datetime) -> str:
    """One inbox entry per version of a deal: a poll and a webhook read-back of the same
    version are the same event."""
    return f"{deal_id}@{modified_at.isoformat()}"


def record_url(*, portal_id: int | None, deal_id: str, access_token: str) -> str | None:
    """The deal in HubSpot's app; EU-hosted accounts (``pat-eu1-…`` tokens) live elsewhere."""
    if portal_id is None:
        return None
    region = access_token.split("-")[1] if access_token.startswith("pat-") else "na1"
    host = "app.hubspot.com" if region in ("na1", "") else f"app-{region}.hubspot.com"
    return f"https://{host}/contacts/{portal_id}/record/0-3/{deal_id}"


@dataclass(frozen=True, slots=True)
class Context:
    """What a deal's properties do not hold: read through other APIs."""

    company_name: str | None
    owner_email: str | None
    stage_label: str | None
    url: str | None


def phase_of(properties: Properties, mapping: HubSpotMapping) -> DealPhase:
    stage = properties.get("dealstage") or ""
    group = mapping.phase_of(properties.get("pipeline"), stage)
    return PHASES[group] if group else DealPhase.OTHER


def to_event(
    deal_id: str,
    properties: Properties,
    modified_at: datetime,
    *,
    mapping: HubSpotMapping,
    context: Context,
) -> DealEvent:
    fields = {key: _text(properties.get(name)) for key, name in mapping.fields.items()}
    stage = properties.get("dealstage") or ""
    currency = _text(properties.get(mapping.currency)) if mapping.currency else None
    return DealEvent(
        source=SOURCE,
        external_id=external_id(deal_id, modified_at),
        occurred_at=modified_at,
        deal=Deal(
            id=deal_id,
            name=(_text(properties.get("dealname")) or f"Deal {deal_id}")[:255],
            stage=(context.stage_label or stage)[:120],
            account_name=context.company_name[:255] if context.company_name else None,
            amount=_decimal(properties.get("amount")),
            currency=currency[:3].upper() if currency else None,
            close_date=_date(properties.get("closedate")),
            ae_email=context.owner_email.lower() if context.owner_email else None,
            url=context.url,
            fields=fields,
            phase=phase_of(properties, mapping),
        ),
    )


def _text(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    return value[:3000]


def _decimal(value: str | None) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and abs(amount) < Decimal(10) ** 16 else None


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return parse_time(value).date()
    except ValueError:
        return None
