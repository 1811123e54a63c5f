"""Secrets and process settings from the environment, validated once at start."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.config.errors import ConfigError

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///handoff.db"

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
    "salesforce_outbound_token": "SALESFORCE_OUTBOUND_TOKEN",
    "salesforce_limit_backoff_seconds": "SALESFORCE_LIMIT_BACKOFF_SECONDS",
    "crm_backfill_from": "CRM_BACKFILL_FROM",
}


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
    salesforce_username: str | None = None
    salesforce_password: str | None = None
    salesforce_security_token: str | None = None
    salesforce_domain: str = "login"
    salesforce_instance_url: str | None = None
    salesforce_access_token: str | None = None
    salesforce_consumer_key: str | None = None
    salesforce_private_key_file: Path | None = None
    salesforce_organization_id: str | None = Field(
        default=None, pattern=r"^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$"
    )
    salesforce_poll_seconds: int = Field(default=60, ge=0, le=86400)
    # The secret last segment of the Outbound Message endpoint URL.
    salesforce_outbound_token: str | None = Field(
        default=None, min_length=16, max_length=128, pattern=r"^[A-Za-z0-9_-]+$"
    )
    # How long every Salesforce call waits after REQUEST_LIMIT_EXCEEDED (poll and write-back).
    salesforce_limit_backoff_seconds: int = Field(default=300, ge=1, le=86400)
    # With no stored poll cursor a CRM is read from the moment of connection, unless the
    # admin asks for a backfill of the deals changed since this date.
    crm_backfill_from: date | None = None

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

    @field_validator("slack_api_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL")
        return value if value.endswith("/") else value + "/"

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
            location = str(first["loc"][0]) if first["loc"] else "SALESFORCE_*"
            name = ENVIRONMENT_NAMES.get(location, location)
            message = str(first["msg"]).removeprefix("Value error, ")
            raise ConfigError(f"{name}: {message}") from error

    def require_for_serving(self) -> None:
        """Serving needs a bot token, and a signing secret unless Socket Mode carries events."""
        if not self.slack_bot_token:
            raise ConfigError("SLACK_BOT_TOKEN is not set (Slack app > OAuth & Permissions)")
        if not self.socket_mode and not self.slack_signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is not set (Slack app > Basic Information); "
                "it is needed in HTTP mode. Set SLACK_APP_TOKEN to use Socket Mode instead."
            )
