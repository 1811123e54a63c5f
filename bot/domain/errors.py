"""Typed domain errors. The Slack error handler turns them into friendly replies."""

from __future__ import annotations


class HandoffError(Exception):
    """An error whose message is safe and useful to show to the person who caused it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.user_message = message


class Refused(HandoffError):
    """The person may not do this (role, state or a race lost); nothing was changed."""


class NotFound(HandoffError):
    """The handoff asked for does not exist (any more)."""


class InvalidEvent(HandoffError):
    """A CRM event that cannot be applied; ``field`` names the offending key."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Unavailable(Exception):
    """An outside system (Slack, a CRM) could not answer now; the work is retried later."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
