"""Which OAuth scope Slack demands of a bot token for a call, as Slack decides it.

Conversation methods need a different scope for each kind of channel: reading the history of
a private channel takes ``groups:history`` where a public one takes ``channels:history``. The
stand-in refuses a call the granted scopes do not cover with Slack's own ``missing_scope``
answer, so a test proves the manifest asks for what the app really does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PUBLIC, PRIVATE, DIRECT = "public", "private", "im"

# method -> the scope each kind of conversation needs (a kind that is absent is refused).
CONVERSATION_SCOPES: dict[str, dict[str, str]] = {
    "conversations.history": {
        PUBLIC: "channels:history",
        PRIVATE: "groups:history",
        DIRECT: "im:history",
    },
    "conversations.info": {PUBLIC: "channels:read", PRIVATE: "groups:read", DIRECT: "im:read"},
    "conversations.invite": {PUBLIC: "channels:manage", PRIVATE: "groups:write"},
    "conversations.join": {PUBLIC: "channels:join", PRIVATE: "channels:join"},
}
METHOD_SCOPES: dict[str, tuple[str, ...]] = {
    "chat.postMessage": ("chat:write",),
    "chat.update": ("chat:write",),
    "chat.postEphemeral": ("chat:write",),
    "users.lookupByEmail": ("users:read", "users:read.email"),
    "users.info": ("users:read",),
    "usergroups.list": ("usergroups:read",),
    "usergroups.users.list": ("usergroups:read",),
    "conversations.open": ("im:write",),
    "files.getUploadURLExternal": ("files:write",),
    "files.completeUploadExternal": ("files:write",),
    "files.info": ("files:read",),
    "conversations.canvases.create": ("canvases:write",),
    "canvases.edit": ("canvases:write",),
    "canvases.sections.lookup": ("canvases:read",),
}
LIST_TYPE_SCOPES = {
    "public_channel": "channels:read",
    "private_channel": "groups:read",
    "im": "im:read",
    "mpim": "mpim:read",
}
# Everything the stand-in knows about: what a FakeSlack grants unless told otherwise.
EVERY_SCOPE = frozenset(
    {scope for kinds in CONVERSATION_SCOPES.values() for scope in kinds.values()}
    | {scope for scopes in METHOD_SCOPES.values() for scope in scopes}
    | set(LIST_TYPE_SCOPES.values())
    | {"channels:manage", "groups:write", "commands"}
)


def needed_scopes(
    method: str, args: dict[str, Any], kind_of: Callable[[str], str | None]
) -> tuple[str, ...]:
    """The scopes this call needs; ``kind_of`` tells a channel id's kind (None: unknown)."""
    if method in METHOD_SCOPES:
        return METHOD_SCOPES[method]
    if method == "conversations.list":
        types = str(args.get("types") or "public_channel").split(",")
        return tuple(LIST_TYPE_SCOPES[t] for t in types if t in LIST_TYPE_SCOPES)
    if method == "conversations.create":
        private = str(args.get("is_private", "false")).lower() == "true"
        return ("groups:write",) if private else ("channels:manage",)
    if method in CONVERSATION_SCOPES:
        kind = kind_of(str(args.get("channel", "")))
        scope = CONVERSATION_SCOPES[method].get(kind or PUBLIC)
        return (scope,) if scope else ()
    return ()


def refusal(needed: tuple[str, ...], granted: frozenset[str]) -> dict[str, Any] | None:
    """Slack's answer when the token lacks one of the needed scopes, else None."""
    missing = [scope for scope in needed if scope not in granted]
    if not missing:
        return None
    return {
        "ok": False,
        "error": "missing_scope",
        "needed": ",".join(missing),
        "provided": ",".join(sorted(granted)),
    }
