"""Secrets and process settings from the environment, validated once at start."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError

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
            name = ENVIRONMENT_NAMES.get(str(first["loc"][0]), str(first["loc"][0]))
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
