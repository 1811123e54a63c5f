"""The state of the sandbox workspace and the Web API methods that act on it."""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.canvases import CanvasStore
from bot.sandbox.directory import Directory
from bot.sandbox.files import FileStore
from bot.sandbox.scopes import DIRECT, PRIVATE, PUBLIC
from bot.sandbox.validation import as_dict, as_list, message_problem, view_problem

BOT_USER_ID = "UHANDOFFBOT"
TEAM_ID = "T0HANDOFF"
WORKSPACE_URL = "https://handoff-sandbox.slack.com/"
CHANNEL_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    members: set[str] = field(default_factory=set)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)


class Workspace(FileStore, Directory, CanvasStore):
    """Users, channels, messages and files; every method runs under one lock."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.channels: dict[str, Channel] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.usergroups: dict[str, tuple[str, list[str]]] = {}  # id -> (handle, members)
        self.uploads: dict[str, bytes] = {}
        self.pending_files: dict[str, str] = {}  # file id -> filename
        self.shared_files: list[dict[str, Any]] = []
        self._ids = itertools.count(1)
        self._ts = itertools.count(1)
        self._epoch = int(time.time())
        self.upload_base = ""
        self.files: dict[str, dict[str, Any]] = {}
        self.file_base = ""
        self.canvases = {}
        self.channel_canvases = {}
        self.plan_error = None

    def call(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            handler = getattr(self, "_m_" + method.replace(".", "_"))
            result: dict[str, Any] = handler(args)
            return result

    def kind_of(self, channel_id: str) -> str | None:
        """public, private or im (Slack asks different scopes of each); None if unknown."""
        with self.lock:
            if channel_id.startswith("D") or channel_id in self.users:
                return DIRECT
            channel = self.channels.get(channel_id)
            if channel is None:
                return None
            return PRIVATE if channel.is_private else PUBLIC

    def _new_ts(self) -> str:
        return f"{self._epoch}.{next(self._ts):06d}"

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):08X}"

    def _member_channel(self, channel_id: str) -> tuple[Channel | None, dict[str, Any] | None]:
        if channel_id in self.users:
            # Posting to a user id opens the app's DM with them, as Slack does.
            dm = self.channels.setdefault(
                f"D{channel_id}", Channel(f"D{channel_id}", f"dm-{channel_id.lower()}", True)
            )
            dm.members |= {BOT_USER_ID, channel_id}
            return dm, None
        channel = self.channels.get(channel_id)
        if channel is None:
            return None, {"ok": False, "error": "channel_not_found"}
        if BOT_USER_ID not in channel.members:
            return None, {"ok": False, "error": "not_in_channel"}
        return channel, None

    def _m_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": WORKSPACE_URL,
            "team": "Sandbox",
            "user": "handoff",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": "BHANDOFF",
        }

    def _m_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        ts = self._new_ts()
        message = {
            "type": "message",
            "user": BOT_USER_ID,
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": as_list(args.get("blocks")),
            "channel": channel.id,
        }
        if args.get("thread_ts"):
            if args["thread_ts"] not in channel.messages:
                return {"ok": False, "error": "thread_not_found"}
            message["thread_ts"] = args["thread_ts"]
        metadata = as_dict(args.get("metadata"))
        if metadata:
            message["metadata"] = metadata
        channel.messages[ts] = message
        return {"ok": True, "channel": channel.id, "ts": ts, "message": message}

    def _m_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        message = channel.messages.get(args["ts"])
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        if message["user"] != BOT_USER_ID:
            return {"ok": False, "error": "cant_update_message"}
        message["text"] = args.get("text", message["text"])
        if "blocks" in args:
            message["blocks"] = as_list(args["blocks"])
        message["edited"] = {"user": BOT_USER_ID, "ts": self._new_ts()}
        return {"ok": True, "channel": channel.id, "ts": args["ts"], "text": message["text"]}

    def _m_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        problem = message_problem(args)
        if problem:
            return {"ok": False, "error": problem}
        return {"ok": True, "message_ts": self._new_ts()}

    def _m_conversations_create(self, args: dict[str, Any]) -> dict[str, Any]:
        name = str(args["name"])
        if not CHANNEL_NAME.match(name):
            return {"ok": False, "error": "invalid_name_specials"}
        if any(c.name == name for c in self.channels.values()):
            return {"ok": False, "error": "name_taken"}
        private = str(args.get("is_private", "false")).lower() == "true"
        channel = Channel(self._new_id("C"), name, private, {BOT_USER_ID})
        self.channels[channel.id] = channel
        return {"ok": True, "channel": {"id": channel.id, "name": name, "is_private": private}}

    def _m_conversations_list(self, args: dict[str, Any]) -> dict[str, Any]:
        limit = int(args.get("limit", 100))
        types = str(args.get("types") or "public_channel").split(",")
        # A bot sees public channels, and the private ones it is a member of.
        listed = sorted(
            (
                c
                for c in self.channels.values()
                if not c.id.startswith("D")
                and (
                    ("private_channel" in types and BOT_USER_ID in c.members)
                    if c.is_private
                    else "public_channel" in types
                )
            ),
            key=lambda c: c.id,
        )
        start = int(args.get("cursor") or 0)
        page = listed[start : start + limit]
        next_cursor = str(start + limit) if start + limit < len(listed) else ""
        return {
            "ok": True,
            "channels": [
                {
                    "id": c.id,
                    "name": c.name,
                    "is_private": c.is_private,
                    "is_member": BOT_USER_ID in c.members,
                }
                for c in page
            ],
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _m_conversations_join(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        channel.members.add(BOT_USER_ID)
        return {"ok": True, "channel": {"id": channel.id, "name": channel.name}}

    def _m_conversations_invite(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        users = args["users"] if isinstance(args["users"], list) else str(args["users"]).split(",")
        for user in users:
            if user not in self.users:
                return {"ok": False, "error": "user_not_found"}
            if user in channel.members:
                return {"ok": False, "error": "already_in_channel"}
        channel.members.update(users)
        return {"ok": True, "channel": {"id": channel.id, "name": channel.name}}

    def _m_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, error = self._member_channel(args["channel"])
        if error:
            return error
        assert channel is not None
        oldest = float(args.get("oldest") or 0)
        include_metadata = str(args.get("include_all_metadata", "false")).lower() in ("true", "1")
        found = []
        for message in sorted(channel.messages.values(), key=lambda m: m["ts"], reverse=True):
            if "thread_ts" in message or float(message["ts"]) < oldest:
                continue
            shown = {k: v for k, v in message.items() if k != "metadata" or include_metadata}
            found.append(shown)
        return {
            "ok": True,
            "messages": found,
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def _m_conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        hidden = channel is not None and channel.is_private and BOT_USER_ID not in channel.members
        if channel is None or hidden:
            return {"ok": False, "error": "channel_not_found"}
        return {
            "ok": True,
            "channel": {
                "id": channel.id,
                "name": channel.name,
                "is_private": channel.is_private,
                "is_member": BOT_USER_ID in channel.members,
                "properties": (
                    {"canvas": {"file_id": self.channel_canvases[channel.id]}}
                    if channel.id in self.channel_canvases
                    else {}
                ),
            },
        }

    def _m_conversations_members(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if channel.is_private and BOT_USER_ID not in channel.members:
            return {"ok": False, "error": "channel_not_found"}  # as Slack hides it
        members = sorted(channel.members)
        limit = int(args.get("limit") or 100)
        start = int(args.get("cursor") or 0)
        next_cursor = str(start + limit) if start + limit < len(members) else ""
        return {
            "ok": True,
            "members": members[start : start + limit],
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _m_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = self.channels.get(args["channel"])
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if args["message_ts"] not in channel.messages:
            return {"ok": False, "error": "message_not_found"}
        return {
            "ok": True,
            "channel": channel.id,
            "permalink": f"{WORKSPACE_URL}archives/{channel.id}/p"
            + str(args["message_ts"]).replace(".", ""),
        }

    def _m_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _m_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._view_response(args)

    def _view_response(self, args: dict[str, Any]) -> dict[str, Any]:
        view = as_dict(args.get("view"))
        problem = view_problem(view)
        if problem:
            return {
                "ok": False,
                "error": "invalid_arguments",
                "response_metadata": {"messages": [problem]},
            }
        return {"ok": True, "view": {"id": self._new_id("V"), **view}}

    def _m_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = args["users"] if isinstance(args["users"], list) else str(args["users"]).split(",")
        if len(users) != 1 or users[0] not in self.users:
            return {"ok": False, "error": "user_not_found"}
        channel, _ = self._member_channel(users[0])
        assert channel is not None
        return {"ok": True, "channel": {"id": channel.id}}

    def _m_files_getUploadURLExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        file_id = self._new_id("F")
        self.pending_files[file_id] = str(args["filename"])
        return {"ok": True, "file_id": file_id, "upload_url": f"{self.upload_base}{file_id}"}

    def _m_files_completeUploadExternal(self, args: dict[str, Any]) -> dict[str, Any]:
        files = args["files"] if isinstance(args["files"], list) else json.loads(args["files"])
        shared = []
        for item in files:
            if item["id"] not in self.pending_files or item["id"] not in self.uploads:
                return {"ok": False, "error": "file_not_found"}
            entry = {
                "id": item["id"],
                "name": self.pending_files.pop(item["id"]),
                "channel": args.get("channel_id"),
                "comment": args.get("initial_comment"),
                "content": self.uploads.pop(item["id"]),
            }
            self.shared_files.append(entry)
            shared.append({"id": entry["id"], "name": entry["name"]})
        return {"ok": True, "files": shared}
