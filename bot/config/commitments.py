"""The playbook's `commitments:` section: the ledger's summary field, reminders, CRM form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CommitmentSettings(BaseModel):
    """How the commitments ledger behaves; every key has a default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # The handoff field the ledger summarises (its confirmed and proposed commitments, one
    # per line); a handoff whose playbook requires it is held while the ledger is empty.
    summary_field: str | None = "promises_made"
    # The owner is reminded this many business days before a commitment is due, once.
    reminder_lead_days: int = Field(default=2, ge=0, le=60)
    # HubSpot: each confirmed commitment as a task on the deal, or as a note.
    hubspot_as: Literal["task", "note"] = "task"

    def check_summary(self, field_types: Mapping[str, str]) -> None:
        """An explicit summary field must be a playbook field."""
        key = self.summary_field
        if "summary_field" in self.model_fields_set and key and key not in field_types:
            raise ValueError(f"commitments.summary_field: there is no field {key!r}")

    def summary_for(self, field_types: Mapping[str, str]) -> str | None:
        """The effective summary field: the default only where the playbook has it."""
        key = self.summary_field
        return key if key and key in field_types else None
