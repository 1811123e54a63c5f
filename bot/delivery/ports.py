"""What the workflow needs from the outside world, as protocols it is handed by constructor."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.domain.errors import Unavailable
from bot.domain.read_models import HandoffCard


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A Slack message as the block builders render it: a ``text`` fallback and its blocks."""

    text: str
    blocks: list[dict[str, object]]


CardRenderer = Callable[[HandoffCard], RenderedMessage]
NoteRenderer = Callable[[dict[str, object], HandoffCard], RenderedMessage]
HomeRenderer = Callable[[str], dict[str, object]]
InviteRenderer = Callable[[HandoffCard, datetime], tuple[RenderedMessage, bytes]]
# (outbox kind, payload) -> the message, and a chart image to attach (or None)
ReportRenderer = Callable[[Any, dict[str, object]], tuple[RenderedMessage, bytes | None]]


class SlackUnavailable(Unavailable):
    """Slack could not be reached or asked us to wait; the work is retried later.

    ``maybe_done``: whether Slack may have done the work anyway (a lost answer, a 5xx). A 429 or
    a refused connection is known not to have posted anything, so no reconciliation is needed.
    """

    def __init__(
        self, reason: str, *, retry_after: float | None = None, maybe_done: bool = True
    ) -> None:
        super().__init__(reason, retry_after=retry_after)
        self.maybe_done = maybe_done


class SlackRejected(Exception):
    """Slack refused the call for a reason a retry will not fix (e.g. ``channel_not_found``)."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class SlackGateway(Protocol):
    def lookup_user_id(self, email: str) -> str | None:
        """The Slack user with this email (remembered for a while), or ``None``."""
        ...

    def channel_members(self, channel_id: str) -> set[str]:
        """Who is in the channel (remembered for a while, and kept current by ``invite``)."""
        ...

    def permalink(self, *, channel: str, ts: str) -> str:
        """The workspace's own link to a message (``chat.getPermalink``)."""
        ...

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


class CanvasGateway(Protocol):
    """Slack's canvases, for the brief kept in the deal channel's canvas."""

    def create_channel_canvas(self, *, channel: str, title: str, markdown: str) -> str:
        """The new channel canvas's id; ``SlackRejected`` ``…channel_canvas_already_exists``
        when the channel has one."""
        ...

    def channel_canvas_id(self, channel: str) -> str | None:
        """The canvas the channel already has (``conversations.info``), or ``None``."""
        ...

    def edit_canvas(
        self, *, canvas_id: str, markdown: str, operation: str, section_id: str | None = None
    ) -> None:
        """One ``canvases.edit`` change: ``replace`` (the whole canvas, or one section) or
        ``insert_at_end``."""
        ...

    def find_section(self, *, canvas_id: str, heading: str) -> str | None:
        """The id of the first h1 section whose heading contains ``heading``."""
        ...

    def canvas_url(self, canvas_id: str) -> str:
        """A link that opens the canvas in the workspace."""
        ...
