"""Secrets and process settings from the environment, validated once at start."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.config.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///handoff.db"
DEFAULT_HUBSPOT_API_URL = "https://api.hubapi.com"

ENVIRONMENT_NAMES = {
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_api_url": "SLACK_API_URL",
    "database_url": "DATABASE_URL",
    "crm_webhook_secret": "CRM_WEBHOOK_SECRET",
    "port": "PORT",
    "playbook_path": "HANDOFF_PLAYBOOK",
    "log_level": "LOG_LEVEL",
    "log_format": "LOG_FORMAT",
    "salesforce_username": "SALESFORCE_USERNAME",
    "salesforce_password": "SALESFORCE_PASSWORD",
    "salesforce_security_token": "SALESFORCE_SECURITY_TOKEN",
    "salesforce_domain": "SALESFORCE_DOMAIN",
    "salesforce_instance_url": "SALESFORCE_INSTANCE_URL",
    "salesforce_access_token": "SALESFORCE_ACCESS_TOKEN",
    "salesforce_consumer_key": "SALESFORCE_CONSUMER_KEY",
    "salesforce_private_key_file": "SALESFORCE_PRIVATE_KEY_FILE",
    "salesforce_organization_id": "SALESFORCE_ORGANIZATION_ID",
    "salesforce_poll_seconds": "SALESFORCE_POLL_SECONDS",
    "hubspot_access_token": "HUBSPOT_ACCESS_TOKEN",
    "hubspot_client_secret": "HUBSPOT_CLIENT_SECRET",
    "hubspot_portal_id": "HUBSPOT_PORTAL_ID",
    "hubspot_api_url": "HUBSPOT_API_URL",
    "hubspot_poll_seconds": "HUBSPOT_POLL_SECONDS",
    "crm_backfill_from": "CRM_BACKFILL_FROM",
    "salesforce_outbound_token": "SALESFORCE_OUTBOUND_TOKEN",
    "salesforce_limit_backoff_seconds": "SALESFORCE_LIMIT_BACKOFF_SECONDS",
    "llm_base_url": "HANDOFF_LLM_BASE_URL",
    "llm_model": "HANDOFF_LLM_MODEL",
    "llm_api_key": "HANDOFF_LLM_API_KEY",
    "llm_timeout_seconds": "HANDOFF_LLM_TIMEOUT_SECONDS",
    "after_ack_workers": "HANDOFF_AFTER_ACK_WORKERS",
    "after_ack_queue": "HANDOFF_AFTER_ACK_QUEUE",
}


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
ORGANIZATION_ID = re.compile(r"^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")
DATABASE_EXAMPLES = "sqlite:///handoff.db or postgresql+psycopg://user:password@host:5432/handoff"
# Hosts hand out postgres:// (Heroku) and postgresql://; Handoff ships the psycopg 3 driver.
POSTGRESQL_ALIASES = ("postgres", "postgresql", "postgresql+psycopg")
# Without it an unreachable PostgreSQL host makes the start wait minutes for TCP to give up.
CONNECT_TIMEOUT_SECONDS = "10"


def normalize_database_url(value: str) -> str:
    """A SQLAlchemy URL Handoff can use, from the forms hosts hand out; else a plain error."""
    try:
        url = make_url(value.strip())
    except ArgumentError:
        raise ValueError(f"this is not a database URL; write {DATABASE_EXAMPLES}") from None
    backend = url.drivername.split("+", 1)[0]
    if url.drivername in POSTGRESQL_ALIASES:
        query = dict(url.query)
        query.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
        url = url.set(drivername="postgresql+psycopg", query=query)
        return url.render_as_string(hide_password=False)
    if backend in ("postgres", "postgresql"):
        raise ValueError(
            f"Handoff talks to PostgreSQL with psycopg 3; write postgresql+psycopg://… "
            f"instead of {url.drivername}://…"
        )
    if url.drivername not in ("sqlite", "sqlite+pysqlite"):
        raise ValueError(f"{backend} is not supported; write {DATABASE_EXAMPLES}")
    return value.strip()


NUMBER_EXAMPLES = {"port": "3000", "salesforce_poll_seconds": "60"}


def _plain(issue: Any) -> str:
    """pydantic's message, in the words of someone setting an environment variable."""
    value = issue.get("input")
    context = issue.get("ctx") or {}
    if issue["type"] == "int_parsing":
        example = NUMBER_EXAMPLES.get(str(issue["loc"][0]) if issue["loc"] else "", "60")
        return f"{value!r} is not a whole number; write one such as {example}"
    if issue["type"] == "greater_than_equal":
        return f"{value} is too small; write at least {context['ge']}"
    if issue["type"] == "less_than_equal":
        return f"{value} is too large; write at most {context['le']}"
    return str(issue["msg"]).removeprefix("Value error, ")


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    crm_webhook_secret: str | None = None
    port: int = Field(default=3000, ge=1, le=65535)
    playbook_path: Path | None = None
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    salesforce_username: str | None = None
    salesforce_password: str | None = None
    salesforce_security_token: str | None = None
    salesforce_domain: str = "login"
    salesforce_instance_url: str | None = None
    salesforce_access_token: str | None = None
    salesforce_consumer_key: str | None = None
    salesforce_private_key_file: Path | None = None
    salesforce_organization_id: str | None = None
    salesforce_poll_seconds: int = Field(default=60, ge=0, le=86400)
    # The secret last segment of the Outbound Message endpoint URL.
    salesforce_outbound_token: str | None = Field(
        default=None, min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$"
    )
    # How long every Salesforce call waits after REQUEST_LIMIT_EXCEEDED (poll and write-back).
    salesforce_limit_backoff_seconds: int = Field(default=300, ge=1, le=86400)
    hubspot_access_token: str | None = None
    hubspot_client_secret: str | None = None
    hubspot_portal_id: int | None = Field(default=None, ge=1)
    hubspot_api_url: str = DEFAULT_HUBSPOT_API_URL
    hubspot_poll_seconds: int = Field(default=60, ge=0, le=86400)
    # With no stored poll cursor a CRM is read from the moment of connection, unless the
    # admin asks for a backfill of the deals changed since this date.
    crm_backfill_from: date | None = None

    @model_validator(mode="after")
    def _hubspot_webhooks_need_the_api(self) -> Settings:
        if self.hubspot_client_secret and not self.hubspot_access_token:
            raise ValueError(
                "HUBSPOT_CLIENT_SECRET is set without HUBSPOT_ACCESS_TOKEN: webhook "
                "notifications carry only ids, and each deal is read back through the API"
            )
        if self.hubspot_client_secret and self.hubspot_portal_id is None:
            raise ValueError(
                "HUBSPOT_CLIENT_SECRET is set without HUBSPOT_PORTAL_ID: webhooks are accepted "
                "only from your HubSpot account (Settings > Account defaults > Hub ID)"
            )
        return self

    # What a Slack listener does after its ack (save, open a modal, answer a command) runs on
    # a pool of its own: this many threads, and at most this many requests waiting for one.
    after_ack_workers: int = Field(default=8, ge=1, le=256)
    after_ack_queue: int = Field(default=500, ge=0, le=100_000)

    # An OpenAI-compatible endpoint for reading calls; without one the built-in extractor runs.
    llm_base_url: str | None = Field(default=None, pattern=r"^https?://")
    llm_model: str | None = Field(default=None, validate_default=True)
    llm_api_key: str | None = None
    llm_timeout_seconds: float = Field(default=60.0, gt=0, le=600)

    @field_validator("llm_model")
    @classmethod
    def _model_with_endpoint(cls, value: str | None, info: ValidationInfo) -> str | None:
        if info.data.get("llm_base_url") and not value:
            raise ValueError("is required when HANDOFF_LLM_BASE_URL is set (the model's name)")
        return value

    @model_validator(mode="after")
    def _one_salesforce_login(self) -> Settings:
        given = [
            name
            for name, value in (
                ("SALESFORCE_USERNAME", self.salesforce_username),
                ("SALESFORCE_ACCESS_TOKEN", self.salesforce_access_token),
                ("SALESFORCE_CONSUMER_KEY", self.salesforce_consumer_key),
            )
            if value
        ]
        if not given:
            return self
        mode = self.salesforce_mode
        if mode is None:
            raise ValueError(
                "incomplete Salesforce login: set SALESFORCE_USERNAME + SALESFORCE_PASSWORD "
                "(+ SALESFORCE_SECURITY_TOKEN), or SALESFORCE_INSTANCE_URL + "
                "SALESFORCE_ACCESS_TOKEN, or SALESFORCE_USERNAME + SALESFORCE_CONSUMER_KEY + "
                "SALESFORCE_PRIVATE_KEY_FILE"
            )
        return self

    @property
    def salesforce_mode(self) -> str | None:
        """How to log in to Salesforce: 'jwt', 'password', 'token', or None (not configured)."""
        if (
            self.salesforce_consumer_key
            and self.salesforce_private_key_file
            and self.salesforce_username
        ):
            return "jwt"
        if self.salesforce_username and self.salesforce_password:
            return "password"
        if self.salesforce_instance_url and self.salesforce_access_token:
            return "token"
        return None

    @field_validator("hubspot_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value.rstrip("/")

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return normalize_database_url(value)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in LOG_LEVELS:
            raise ValueError(f"{value!r} is not a log level; write one of {', '.join(LOG_LEVELS)}")
        return level

    @field_validator("log_format", mode="before")
    @classmethod
    def _log_format(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("text", "json"):
            return value.strip().lower()
        raise ValueError(f"{value!r} is not a log format; write text (the default) or json")

    @field_validator("salesforce_organization_id")
    @classmethod
    def _organization_id(cls, value: str | None) -> str | None:
        if value is not None and not ORGANIZATION_ID.match(value):
            raise ValueError(
                f"{value!r} is not an organization id; copy the one starting with 00D from "
                "Salesforce Setup > Company Information"
            )
        return value

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token (starts with xoxb-)")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token (starts with xapp-)")
        return value

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        values = {
            attribute: environ[name]
            for attribute, name in ENVIRONMENT_NAMES.items()
            if environ.get(name, "").strip()
        }
        try:
            return cls.model_validate(values)
        except ValidationError as error:
            first = error.errors()[0]
            if not first["loc"]:  # a rule across settings: its message names them
                raise ConfigError(_plain(first)) from error
            location = str(first["loc"][0])
            name = ENVIRONMENT_NAMES.get(location, location)
            raise ConfigError(f"{name}: {_plain(first)}") from error

    def require_for_serving(self) -> None:
        """Serving needs a bot token, and a signing secret unless Socket Mode carries events."""
        if not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set (Slack app > OAuth & Permissions)")
        if not self.socket_mode and not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set (Slack app > Basic Information); "
                "it is needed in HTTP mode. Set SLACK_APP_TOKEN to use Socket Mode instead."
            )
