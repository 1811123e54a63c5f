"""The playbook's `context:` section: which sources Handoff reads, how long it keeps them, and
which handoff field receives which kind of finding."""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContextTargets(_Strict):
    """Playbook field key per kind of finding; null means "don't propose it". The defaults are
    the standard fields; a default naming a field the playbook does not have is skipped."""

    use_case: str | None = "primary_use_case"
    success_metrics: str | None = "success_metrics"
    stakeholders: str | None = "decision_makers"
    commitments: str | None = "promises_made"
    timeline: str | None = "customer_timeline"
    recordings: str | None = "call_recordings"
    risks: str | None = "risks"


# Kinds whose findings are a list (one per line in the field), not one best value.
LIST_KINDS = ("stakeholders", "commitments", "recordings")


class ContextSettings(_Strict):
    """Off unless switched on: a playbook without a `context:` section stores nothing."""

    slack_messages: bool = False
    transcript_files: bool = False
    transcript_api: bool = False
    retention_days: int = Field(default=180, ge=1, le=3650)
    targets: ContextTargets = Field(default_factory=ContextTargets)

    @property
    def any_source(self) -> bool:
        return self.slack_messages or self.transcript_files or self.transcript_api

    def check_targets(self, field_types: Mapping[str, str]) -> None:
        """Explicit targets must name playbook fields; only the timeline may go to a date."""
        for kind in self.targets.model_fields_set:
            key = getattr(self.targets, kind)
            if key is None:
                continue
            if key not in field_types:
                raise ValueError(f"context.targets.{kind}: there is no field {key!r}")
            if field_types[key] == "date" and kind != "timeline":
                raise ValueError(
                    f"context.targets.{kind}: {key!r} is a date field; only the timeline fits"
                )

    def targets_for(self, field_types: Mapping[str, str]) -> dict[str, str | None]:
        """The effective targets: explicit ones as given, defaults only where the field exists
        (and is not a date field, unless it receives the timeline)."""
        chosen: dict[str, str | None] = {}
        for kind in ContextTargets.model_fields:
            key = getattr(self.targets, kind)
            fits = key in field_types and (field_types[key] != "date" or kind == "timeline")
            chosen[kind] = key if kind in self.targets.model_fields_set or fits else None
        return chosen

    def list_fields(self, field_types: Mapping[str, str]) -> set[str]:
        """Fields that hold one finding per line: the targets of list kinds, contacts, links."""
        targets = self.targets_for(field_types)
        listed = {key for kind, key in targets.items() if key and kind in LIST_KINDS}
        return listed | {key for key, kind in field_types.items() if kind in ("contacts", "urls")}
