"""Where each value of the brief came from, in one phrase: a call or the deal channel (with the
quote), a person, or the CRM. Pure: the canvas renders it in its markdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.domain.read_models import FieldLine, FieldSource

MAX_QUOTE = 300
CRM_LABELS = {"salesforce": "Salesforce", "hubspot": "HubSpot", "webhook": "the CRM"}


class Person(Protocol):
    """How a renderer names a person: a mention in its own syntax."""

    def __call__(self, user_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class Provenance:
    """One value's origin. ``kind``: 'context' (said on a call or in the channel, confirmed by
    a person), 'person' (typed in), 'crm' (copied from the deal), 'missing'."""

    kind: str
    where: str | None = None
    quote: str | None = None
    by: str | None = None
    at: datetime | None = None

    def phrase(self, person: Person, *, crm: str | None = None) -> str:
        """'from the 12 Nov Kickoff call: “quote” — confirmed by @Ann 13 Nov', 'entered by @Ann
        13 Nov', 'from Salesforce'."""
        when = f" {day(self.at)}" if self.at else ""
        if self.kind == "context":
            quote = f": “{shorten(self.quote, MAX_QUOTE)}”" if self.quote else ""
            who = f" — confirmed by {person(self.by)}{when}" if self.by else ""
            return f"from {self.where}{quote}{who}"
        if self.kind == "person" and self.by:
            return f"entered by {person(self.by)}{when}"
        if self.kind == "crm":
            return f"from {CRM_LABELS.get(crm or '', crm or 'the CRM')}"
        return "not known yet"


def of_field(line: FieldLine) -> Provenance:
    """Where a field's value came from, as the details modal recorded it."""
    if not line.present:
        return Provenance("missing")
    if line.suggested_from:
        return Provenance(
            "context",
            where=line.suggested_from,
            quote=line.suggested_quote,
            by=line.set_by,
            at=line.updated_at,
        )
    if line.source is FieldSource.PERSON and line.set_by:
        return Provenance("person", by=line.set_by, at=line.updated_at)
    return Provenance("crm")


def day(moment: datetime | date) -> str:
    """'12 Nov 2026': a canvas has no date tokens, so dates are written out (UTC)."""
    return f"{moment.day} {moment:%b %Y}"


def shorten(text: str, limit: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
