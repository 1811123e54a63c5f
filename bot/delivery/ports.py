"""What the workflow needs from the outside world, as protocols it is handed by constructor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any, Protocol

from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.domain.read_models import HandoffCard, RenderedMessage

__all__ = ["CrmRejected", "CrmUnavailable"]

CardRenderer = Callable[[HandoffCard], RenderedMessage]
NoteRenderer = Callable[[dict[str, object], HandoffCard], RenderedMessage]
HomeRenderer = Callable[[str], dict[str, object]]
InviteRenderer = Callable[[HandoffCard, datetime], tuple[RenderedMessage, bytes]]
# (outbox kind, payload) -> the message, and a chart image to attach (or None)
ReportRenderer = Callable[[Any, dict[str, object]], tuple[RenderedMessage, bytes | None]]


class SlackUnavailable(Exception):
    """Slack could not be reached or asked us to wait; the work is retried later."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SlackRejected(Exception):
    """Slack refused the call for a reason a retry will not fix (e.g. ``channel_not_found``)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class SlackGateway(Protocol):
    def lookup_user_id(self, email: str) -> str | None: ...

    def create_channel(self, name: str) -> str | None:
        """The new channel's id, or ``None`` when the name is taken."""
        ...

    def find_channel_id(self, name: str) -> str | None: ...

    def join_channel(self, channel_id: str) -> None: ...

    def invite(self, channel_id: str, user_ids: list[str]) -> None: ...

    def post_message(
        self,
        *,
        channel: str,
        message: RenderedMessage,
        metadata: tuple[str, dict[str, str]] | None = None,
        thread_ts: str | None = None,
    ) -> str: ...

    def publish_home(self, *, user_id: str, view: dict[str, object]) -> None: ...

    def usergroup_members(self, handle: str) -> set[str] | None: ...

    def user_email(self, user_id: str) -> str | None: ...

    def user_time_zone(self, user_id: str) -> str | None: ...

    def send_file(
        self, *, to: str, message: RenderedMessage, filename: str, content: bytes
    ) -> None:
        """Share a file (with the message as its comment) in a channel, or by DM to a person."""
        ...

    def update_message(self, *, channel: str, ts: str, message: RenderedMessage) -> None: ...

    def find_message_by_metadata(
        self, *, channel: str, event_type: str, key: str, value: str, oldest: datetime
    ) -> str | None: ...


class SalesforcePort(Protocol):
    @property
    def instance_url(self) -> str: ...

    def query_batches(self, soql: str) -> Iterator[list[dict[str, Any]]]: ...

    def composite(self, subrequests: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def user_id_by_email(self, email: str) -> str | None: ...

    def describe(self, object_name: str) -> dict[str, Any]: ...

    def api_version(self) -> str: ...
