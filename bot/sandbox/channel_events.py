"""People talking in the sandbox workspace: each message, file share, edit and deletion is
stored in the stand-in and delivered to the app as the Events API delivers it (a signed
``event_callback``), and any delivery can be repeated as one of Slack's retries."""

from __future__ import annotations

import itertools
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.sandbox.requests import signed_headers
from bot.sandbox.slack_api import FakeSlack
from bot.sandbox.workspace import TEAM_ID


@dataclass(frozen=True)
class Delivery:
    envelope: dict[str, Any]
    status: int


# Slack's event ids are unique across a workspace's deliveries, whoever sends them.
_EVENT_IDS = itertools.count(1)


class ChannelEvents:
    """Sends to ``app_url``/slack/events, signed with ``signing_secret``."""

    def __init__(self, slack: FakeSlack, *, app_url: str, signing_secret: str) -> None:
        self.slack = slack
        self.url = app_url.rstrip("/") + "/slack/events"
        self.secret = signing_secret

    def say(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        at: datetime | None = None,
        thread_ts: str | None = None,
        bot: bool = False,
        files: list[dict[str, Any]] | None = None,
    ) -> Delivery:
        """A message in a channel (a bot's, with ``bot``), stored and delivered."""
        ts = self._ts(at)
        event: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        if bot:
            event |= {"subtype": "bot_message", "bot_id": "B0OTHERBOT"}
        if files:
            event |= {"subtype": "file_share", "files": files, "upload": True}
        with self.slack.workspace.lock:
            self.slack.workspace.channels[channel].messages[ts] = {**event, "channel": channel}
        return self.deliver(self._envelope(channel, event))

    def share_file(
        self,
        channel: str,
        user: str,
        name: str,
        content: bytes,
        *,
        text: str = "",
        at: datetime | None = None,
    ) -> Delivery:
        """Upload a file and share it in the channel, as the Slack client does."""
        with self.slack.workspace.lock:
            file_id = f"F0SHARED{next(_EVENT_IDS):04d}"
            shared = self.slack.workspace.add_file(file_id, name=name, content=content, user=user)
        return self.say(channel, user, text, at=at, files=[shared])

    def edit(self, channel: str, ts: str, text: str, *, at: datetime | None = None) -> Delivery:
        with self.slack.workspace.lock:
            message = self.slack.workspace.channels[channel].messages[ts]
            previous = dict(message)
            message["text"] = text
            message["edited"] = {"user": message.get("user"), "ts": self._ts(at)}
            current = {k: v for k, v in message.items() if k != "channel"}
        event = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "message": current,
            "previous_message": {k: v for k, v in previous.items() if k != "channel"},
            "ts": self._ts(at),
        }
        return self.deliver(self._envelope(channel, event))

    def delete(self, channel: str, ts: str, *, at: datetime | None = None) -> Delivery:
        with self.slack.workspace.lock:
            previous = self.slack.workspace.channels[channel].messages.pop(ts)
        event = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "deleted_ts": ts,
            "previous_message": {k: v for k, v in previous.items() if k != "channel"},
            "ts": self._ts(at),
        }
        return self.deliver(self._envelope(channel, event))

    def deliver(self, envelope: dict[str, Any], *, retry: int = 0) -> Delivery:
        """POST the envelope; ``retry`` > 0 sends it as Slack's retry number ``retry``."""
        body = json.dumps(envelope).encode()
        headers = signed_headers(self.secret, body, content_type="application/json")
        if retry:
            headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        request = urllib.request.Request(self.url, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return Delivery(envelope, answer.status)
        except urllib.error.HTTPError as error:
            return Delivery(envelope, error.code)

    def _envelope(self, channel: str, event: dict[str, Any]) -> dict[str, Any]:
        with self.slack.workspace.lock:
            private = self.slack.workspace.channels[channel].is_private
        event = {**event, "channel": channel, "channel_type": "group" if private else "channel"}
        event.setdefault("event_ts", event["ts"])
        return {
            "token": "deprecated",
            "team_id": TEAM_ID,
            "api_app_id": "A0HANDOFF",
            "type": "event_callback",
            "event_id": f"Ev0CONTEXT{next(_EVENT_IDS):06d}",
            "event_time": int(float(event["ts"])),
            "event": event,
        }

    def _ts(self, at: datetime | None) -> str:
        if at is None:
            with self.slack.workspace.lock:
                return self.slack.workspace._new_ts()
        return f"{int(at.timestamp())}.{next(_EVENT_IDS):06d}"
