"""Salesforce Opportunities as Handoff sees them: the SOQL that reads them, the events they make."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from simple_salesforce.format import format_soql

from bot.config.playbook import Playbook
from bot.crm.events import Deal, DealEvent
from storage.enums import CrmName

SOURCE = CrmName.SALESFORCE
BASE_FIELDS = ("Id", "Name", "StageName", "Amount", "CloseDate", "SystemModstamp")


def selected_fields(playbook: Playbook) -> list[str]:
    mapping = playbook.salesforce
    extra = [mapping.ae_email, mapping.account_name, *mapping.fields.values()]
    if mapping.currency:
        extra.append(mapping.currency)
    return list(dict.fromkeys([*BASE_FIELDS, *extra]))


def watched_stages(playbook: Playbook) -> list[str]:
    stages = playbook.stages
    return [*stages.closing, *stages.pre_close, *stages.lost]


def changed_since_query(playbook: Playbook, since: datetime | None) -> str:
    """Opportunities in a watched stage modified at or after ``since``, oldest first.

    ``>=`` and not ``>``: a record saved in the same second as the last one seen is fetched
    again rather than skipped; the inbox makes the repeat harmless.
    """
    fields = ", ".join(selected_fields(playbook))
    if since is None:
        return format_soql(
            "SELECT {:literal} FROM Opportunity WHERE StageName IN {} ORDER BY SystemModstamp, Id",
            fields,
            watched_stages(playbook),
        )
    return format_soql(
        "SELECT {:literal} FROM Opportunity WHERE StageName IN {} AND SystemModstamp >= {} "
        "ORDER BY SystemModstamp, Id",
        fields,
        watched_stages(playbook),
        since,
    )


def one_query(playbook: Playbook, opportunity_id: str) -> str:
    return format_soql(
        "SELECT {:literal} FROM Opportunity WHERE Id = {}",
        ", ".join(selected_fields(playbook)),
        opportunity_id,
    )


def modstamp(record: dict[str, Any]) -> datetime:
    return parse_datetime(str(record["SystemModstamp"]))


def parse_datetime(value: str) -> datetime:
    # Salesforce writes 2026-11-23T09:00:00.000+0000; Python wants +00:00 before 3.11's parser.
    text = value.replace("Z", "+00:00")
    if len(text) > 5 and text[-5] in "+-" and text[-3] != ":":
        text = text[:-2] + ":" + text[-2:]
    return datetime.fromisoformat(text).astimezone(UTC)


def field_value(record: dict[str, Any], path: str) -> Any:
    """``Owner.Email`` → record["Owner"]["Email"]; a missing relationship gives None."""
    value: Any = record
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def to_event(
    record: dict[str, Any],
    playbook: Playbook,
    *,
    instance_url: str,
    received_at: datetime | None = None,
    partial: bool = False,
) -> DealEvent:
    """``partial``: the record holds only some fields (an Outbound Message)."""
    mapping = playbook.salesforce
    opportunity_id = str(record["Id"])
    stamp = record.get("SystemModstamp") or record.get("LastModifiedDate")
    changed = parse_datetime(str(stamp)) if stamp else (received_at or datetime.now(UTC))
    fields = {
        key: _text(field_value(record, sf_field))
        for key, sf_field in mapping.fields.items()
        if not partial or sf_field in record
    }
    email = field_value(record, mapping.ae_email)
    return DealEvent(
        source=SOURCE,
        external_id=f"{opportunity_id}@{changed.isoformat()}",
        occurred_at=changed,
        deal=Deal(
            id=opportunity_id,
            name=str(record.get("Name") or opportunity_id),
            stage=str(record.get("StageName") or ""),
            account_name=_text(field_value(record, mapping.account_name)),
            amount=_decimal(record.get("Amount")),
            currency=_text(field_value(record, mapping.currency)) if mapping.currency else None,
            close_date=_date(record.get("CloseDate")),
            ae_email=str(email).lower() if email else None,
            url=f"{instance_url.rstrip('/')}/lightning/r/Opportunity/{opportunity_id}/view",
            fields=fields,
            partial=partial,
        ),
    )


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:3000]


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
