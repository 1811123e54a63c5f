"""The playbook's ``hubspot:`` section: how a HubSpot deal maps onto a handoff, and back.

Stages are HubSpot's internal ids (``closedwon``, or the numbers of a custom pipeline's stages),
grouped by pipeline; properties are internal names (``handoff_status``), never labels.
``python app.py check`` resolves both against the portal.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

PROPERTY_NAME = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _property(value: str) -> str:
    if not PROPERTY_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a HubSpot property's internal name (lowercase, e.g. handoff_status)"
        )
    return value


def _id(value: str) -> str:
    if not value.strip() or any(c.isspace() for c in value):
        raise ValueError(f"{value!r} is not a HubSpot id (e.g. closedwon or 1234567)")
    return value


def _email(value: str) -> str:
    if not EMAIL.match(value):
        raise ValueError(f"{value!r} is not an email address")
    return value.lower()


PropertyName = Annotated[str, AfterValidator(_property)]
HubSpotId = Annotated[str, AfterValidator(_id)]


class _Strict(BaseModel):
    # YAML reads a numeric pipeline or stage id as a number; HubSpot's ids are strings.
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class PipelineStages(_Strict):
    """One pipeline's stage ids by what they mean for a handoff."""

    closing: list[HubSpotId] = Field(default_factory=list)
    pre_close: list[HubSpotId] = Field(default_factory=list)
    lost: list[HubSpotId] = Field(default_factory=list)


def _default_pipelines() -> dict[str, PipelineStages]:
    return {"default": PipelineStages(closing=["closedwon"], lost=["closedlost"])}


class HubSpotWriteBack(_Strict):
    """Deal properties Handoff writes; leave one empty to skip it."""

    status: PropertyName | None = None
    owner: PropertyName | None = None
    ready: PropertyName | None = None
    ready_at: PropertyName | None = None
    slack_link: PropertyName | None = None


class HubSpotMapping(_Strict):
    pipelines: dict[HubSpotId, PipelineStages] = Field(
        default_factory=_default_pipelines, min_length=1
    )
    fields: dict[str, PropertyName] = Field(default_factory=dict)  # handoff field: property
    currency: PropertyName | None = None  # deal_currency_code in multi-currency portals
    write_back: HubSpotWriteBack = Field(default_factory=HubSpotWriteBack)
    # Where `python app.py setup-hubspot` creates the write-back properties.
    property_group: PropertyName = "handoff"
    # The HubSpot owner (by email) of follow-up tasks when the CSM is not a HubSpot user.
    task_owner: Annotated[str, AfterValidator(_email)] | None = None
    follow_up_days: int = Field(default=14, ge=1, le=180)
    # How sync outcomes and the two-week feedback are recorded on the deal.
    activities: Literal["notes", "tasks"] = "notes"

    @model_validator(mode="after")
    def _stages_mean_one_thing(self) -> Self:
        seen: dict[str, str] = {}
        for pipeline, stages in self.pipelines.items():
            for group in ("closing", "pre_close", "lost"):
                for stage in getattr(stages, group):
                    where = f"{pipeline}.{group}"
                    if stage in seen:
                        raise ValueError(f"stage {stage!r} is listed in {seen[stage]} and {where}")
                    seen[stage] = where
        if not any(stages.closing for stages in self.pipelines.values()):
            raise ValueError("pipelines: name at least one closing stage (e.g. closedwon)")
        return self

    @model_validator(mode="after")
    def _writes_are_not_reads(self) -> Self:
        written = [name for name in self.write_back.model_dump().values() if name]
        if len(set(written)) != len(written):
            raise ValueError("write_back: each property may be written for one purpose only")
        read = {*self.fields.values(), *([self.currency] if self.currency else [])}
        if clash := sorted(read & set(written)):
            raise ValueError(f"write_back: {', '.join(clash)} is also read into a field")
        return self

    def phase_of(self, pipeline: str | None, stage: str) -> str | None:
        """'closing', 'pre_close', 'lost', or None for a stage the playbook does not watch."""
        for pipeline_id, stages in self.pipelines.items():
            if pipeline is not None and pipeline_id != pipeline:
                continue
            for group in ("closing", "pre_close", "lost"):
                if stage in getattr(stages, group):
                    return group
        return None

    @property
    def watched_stages(self) -> list[str]:
        return [
            stage
            for stages in self.pipelines.values()
            for stage in (*stages.closing, *stages.pre_close, *stages.lost)
        ]
