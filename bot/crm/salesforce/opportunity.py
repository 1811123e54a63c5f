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
MAX_AMOUNT = Decimal(10) ** 16  # what NUMERIC(18, 2) holds


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
    """One Opportunity, if the org has it in a watched stage."""
    return format_soql(
        "SELECT {:literal} FROM Opportunity WHERE Id = {} AND StageName IN {}",
        ", ".join(selected_fields(playbook)),
        opportunity_id,
        watched_stages(playbook),
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


def to_event(record: dict[str, Any], playbook: Playbook, *, instance_url: str) -> DealEvent:
    """A record read through the API as a deal event. Values are fitted to what Handoff
    stores (lengths, NUL characters, amounts), so no record can stop the poll."""
    mapping = playbook.salesforce
    opportunity_id = str(record["Id"])
    stamp = record.get("SystemModstamp") or record.get("LastModifiedDate")
    changed = parse_datetime(str(stamp)) if stamp else datetime.now(UTC)
    fields = {key: _text(field_value(record, sf_field)) for key, sf_field in mapping.fields.items()}
    email = _text(field_value(record, mapping.ae_email), 320)
    currency = _text(field_value(record, mapping.currency), 3) if mapping.currency else None
    return DealEvent(
        source=SOURCE,
        external_id=f"{opportunity_id}@{changed.isoformat()}",
        occurred_at=changed,
        deal=Deal(
            id=opportunity_id,
            name=_text(record.get("Name"), 255) or opportunity_id,
            stage=_text(record.get("StageName"), 120) or "",
            account_name=_text(field_value(record, mapping.account_name), 255),
            amount=_decimal(record.get("Amount")),
            currency=currency,
            close_date=_date(record.get("CloseDate")),
            ae_email=email.lower() if email else None,
            url=f"{instance_url.rstrip('/')}/lightning/r/Opportunity/{opportunity_id}/view",
            fields=fields,
        ),
    )


def _text(value: Any, limit: int = 3000) -> str | None:
    if value is None or value == "":
        return None
    return str(value).replace("\x00", "")[:limit] or None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return amount if abs(amount) < MAX_AMOUNT else None


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
