"""The playbook: the policy Handoff enforces, loaded from YAML and validated at start."""

from __future__ import annotations

import datetime as dt
import enum
import re
from datetime import time
from importlib import resources
from pathlib import Path
from typing import Any, Literal, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config.commitments import CommitmentSettings
from bot.config.context import ContextSettings
from bot.config.errors import ConfigError
from bot.config.hubspot_mapping import HubSpotMapping
from bot.config.identifiers import (
    CHANNEL_ID,
    ChannelId,
    Member,
    SalesforceUserId,
    SlackUserId,
)
from bot.config.problems import validation_problems, yaml_problem

FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Re-exported: the CRM webhook validates a deal's channel id with the same pattern.
__all__ = ["CHANNEL_ID", "ChannelId", "Member"]


class FieldType(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CONTACTS = "contacts"
    DATE = "date"
    URLS = "urls"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Stages(_Strict):
    closing: list[str] = Field(default_factory=lambda: ["Closed Won"], min_length=1)
    pre_close: list[str] = Field(default_factory=list)
    lost: list[str] = Field(default_factory=lambda: ["Closed Lost"])

    @model_validator(mode="after")
    def _disjoint(self) -> Self:
        seen: dict[str, str] = {}
        for group in ("closing", "pre_close", "lost"):
            for stage in getattr(self, group):
                folded = stage.casefold()
                if folded in seen:
                    raise ValueError(
                        f"stage {stage!r} is listed in both {seen[folded]} and {group}"
                    )
                seen[folded] = group
        return self


class FieldSpec(_Strict):
    key: str
    label: str = Field(min_length=1, max_length=60)
    type: FieldType = FieldType.TEXT
    required: bool = False

    @field_validator("key")
    @classmethod
    def _key_shape(cls, value: str) -> str:
        if not FIELD_KEY.match(value):
            raise ValueError("must be lower_snake_case, starting with a letter (at most 64)")
        return value


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _working_week() -> list[Weekday]:
    return ["mon", "tue", "wed", "thu", "fri"]


class BusinessHours(_Strict):
    """When the team works. SLA hours then count only working time."""

    time_zone: str = "UTC"
    days: list[Weekday] = Field(default_factory=_working_week, min_length=1)
    start: time = time(9, 0)
    end: time = time(17, 0)
    holidays: str | None = None  # a country code such as US, GB, DE (python-holidays)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r} (use e.g. Europe/Paris)") from error
        return value

    @field_validator("holidays")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is not None:
            import holidays as holiday_calendars

            if value.upper() not in holiday_calendars.list_supported_countries():
                raise ValueError(f"no public holiday calendar for {value!r}")
            return value.upper()
        return value

    @model_validator(mode="after")
    def _start_before_end(self) -> Self:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self


class Sla(_Strict):
    warn_hours: float = Field(default=24, gt=0)
    breach_hours: float = Field(default=48, gt=0)
    # Where a breach goes: a channel, or else these people (Slack user ids) by DM.
    escalation_channel_id: ChannelId | None = None
    managers: list[Member] = Field(default_factory=list)

    @model_validator(mode="after")
    def _warn_before_breach(self) -> Self:
        if self.warn_hours >= self.breach_hours:
            raise ValueError("warn_hours must be less than breach_hours")
        return self


class Channels(_Strict):
    strategy: Literal["per_deal", "fixed"] = "per_deal"
    name_prefix: str = Field(default="handoff-", max_length=40)
    fixed_channel_id: ChannelId | None = None
    cs_channel_id: ChannelId | None = None

    @field_validator("name_prefix")
    @classmethod
    def _prefix_shape(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z0-9_-]*", value):
            raise ValueError("may only hold lowercase letters, digits, '-' and '_'")
        return value

    @model_validator(mode="after")
    def _fixed_needs_channel(self) -> Self:
        if self.strategy == "fixed" and self.fixed_channel_id is None:
            raise ValueError("strategy 'fixed' needs fixed_channel_id")
        return self


class Team(_Strict):
    csms: list[Member] = Field(default_factory=list)
    reviewers: list[Member] = Field(default_factory=list)
    admins: list[Member] = Field(default_factory=list)


SF_FIELD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(__c)?(\.[A-Za-z][A-Za-z0-9_]*(__c)?)?$")


class SalesforceWriteBack(_Strict):
    """Opportunity fields Handoff writes; leave one empty to skip it."""

    status: str | None = None
    owner: str | None = None
    ready: str | None = None
    ready_at: str | None = None
    slack_link: str | None = None


class SalesforceMapping(_Strict):
    """How a Salesforce Opportunity maps onto a handoff. Custom fields are configuration."""

    fields: dict[str, str] = Field(default_factory=dict)
    ae_email: str = "Owner.Email"
    account_name: str = "Account.Name"
    currency: str | None = None
    write_back: SalesforceWriteBack = Field(default_factory=SalesforceWriteBack)
    follow_up_days: int = Field(default=14, ge=1, le=180)
    # Slack user id -> Salesforce user id, for people whose emails differ between the two.
    user_overrides: dict[SlackUserId, SalesforceUserId] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _field_names(self) -> Self:
        names = [*self.fields.values(), self.ae_email, self.account_name]
        names += [n for n in (self.currency, *self.write_back.model_dump().values()) if n]
        for name in names:
            if not SF_FIELD.match(name):
                raise ValueError(f"{name!r} is not a Salesforce field name (e.g. Use_Case__c)")
        return self


class Feedback(_Strict):
    """The two-week check-in from the CSM to the AE."""

    after_days: int = Field(default=14, ge=1, le=120)
    reminder_days: int = Field(default=2, ge=1, le=30)
    max_reminders: int = Field(default=2, ge=0, le=10)


class Reporting(_Strict):
    """Weekly KPIs for leadership and the quarterly audit sample for RevOps."""

    channel_id: ChannelId | None = None
    weekday: Weekday = "mon"
    send_at: dt.time = Field(default=dt.time(9, 0), alias="time")
    time_zone: str = "UTC"
    audit_channel_id: ChannelId | None = None
    audit_sample_size: int = Field(default=5, ge=1, le=50)

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value


class Playbook(_Strict):
    version: Literal[1] = 1
    stages: Stages = Field(default_factory=Stages)
    fields: list[FieldSpec] = Field(min_length=1)
    sla: Sla = Field(default_factory=Sla)
    channels: Channels = Field(default_factory=Channels)
    team: Team = Field(default_factory=Team)
    business_hours: BusinessHours | None = None
    feedback: Feedback = Field(default_factory=Feedback)
    reporting: Reporting = Field(default_factory=Reporting)
    salesforce: SalesforceMapping = Field(default_factory=SalesforceMapping)
    hubspot: HubSpotMapping = Field(default_factory=HubSpotMapping)
    context: ContextSettings = Field(default_factory=ContextSettings)
    commitments: CommitmentSettings = Field(default_factory=CommitmentSettings)

    @model_validator(mode="after")
    def _mapped_fields_exist(self) -> Self:
        self.context.check_targets(self.field_types)
        self.commitments.check_summary(self.field_types)
        for crm in ("salesforce", "hubspot"):
            unknown = sorted(set(getattr(self, crm).fields) - {spec.key for spec in self.fields})
            if unknown:
                raise ValueError(
                    f"{crm}.fields maps unknown handoff field(s): {', '.join(unknown)}"
                )
        return self

    @field_validator("fields")
    @classmethod
    def _unique_keys(cls, fields: list[FieldSpec]) -> list[FieldSpec]:
        keys = [spec.key for spec in fields]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"duplicate field key(s): {', '.join(duplicates)}")
        return fields

    @property
    def field_types(self) -> dict[str, str]:
        return {spec.key: spec.type.value for spec in self.fields}

    def field(self, key: str) -> FieldSpec | None:
        return next((spec for spec in self.fields if spec.key == key), None)

    @property
    def required_keys(self) -> list[str]:
        return [spec.key for spec in self.fields if spec.required]

    def is_closing(self, stage: str) -> bool:
        return stage.casefold() in {s.casefold() for s in self.stages.closing}

    def is_pre_close(self, stage: str) -> bool:
        return stage.casefold() in {s.casefold() for s in self.stages.pre_close}

    def is_lost(self, stage: str) -> bool:
        return stage.casefold() in {s.casefold() for s in self.stages.lost}


def load_playbook(path: Path | None = None) -> Playbook:
    """Load and validate a playbook; ``None`` loads the one shipped with Handoff."""
    if path is None:
        source = "default playbook"
        text = resources.files("bot.config").joinpath("default_playbook.yml").read_text("utf-8")
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as error:
            raise ConfigError(f"playbook {source}: cannot read it ({error.strerror})") from error
    return parse_playbook(text, source=source)


def parse_playbook(text: str, *, source: str = "playbook") -> Playbook:
    try:
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"playbook {source}: {yaml_problem(error)}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"playbook {source}: expected a mapping of keys at the top level")
    try:
        return Playbook.model_validate(data)
    except ValidationError as error:
        raise ConfigError(f"playbook {source}: {validation_problems(error, data)}") from error
