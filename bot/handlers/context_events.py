"""Deal-channel messages for the context store: new, edited and deleted ones, and the
transcript files shared with them. Registered in ``events.LISTENERS``, so each delivery is
acted on once (Slack's retries are recognised by ``event_id``)."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.handlers.services import services_of
from bot.workflow.context_intake import ChannelMessage, SharedFile

# Subtypes that are a person saying something; joins, topic changes and the like are not.
SPOKEN = (None, "file_share", "thread_broadcast", "me_message")


def on_message(event: dict[str, Any], _client: WebClient, context: BoltContext) -> None:
    services = services_of(context)
    subtype = event.get("subtype")
    if subtype == "message_changed":
        edited = event.get("message") or {}
        if not _from_bot(edited) and edited.get("ts"):
            services.channel.edit_message(
                channel=str(event["channel"]),
                ts=str(edited["ts"]),
                text=str(edited.get("text") or ""),
                edited_ts=(edited.get("edited") or {}).get("ts"),
            )
    elif subtype == "message_deleted":
        if event.get("deleted_ts"):
            services.channel.delete_message(
                channel=str(event["channel"]), ts=str(event["deleted_ts"])
            )
    elif subtype in SPOKEN and not _from_bot(event) and event.get("user"):
        services.channel.record_message(message=channel_message(event))


def channel_message(event: dict[str, Any]) -> ChannelMessage:
    files = tuple(
        SharedFile(id=str(f["id"]), name=str(f.get("name") or f["id"]), title=f.get("title"))
        for f in event.get("files") or []
        if f.get("id") and f.get("mode") != "tombstone"
    )
    return ChannelMessage(
        channel=str(event["channel"]),
        ts=str(event["ts"]),
        user=str(event["user"]),
        text=str(event.get("text") or ""),
        thread_ts=event.get("thread_ts"),
        files=files,
    )


def _from_bot(message: dict[str, Any]) -> bool:
    return bool(message.get("bot_id") or message.get("bot_profile")) or (
        message.get("subtype") == "bot_message"
    )
