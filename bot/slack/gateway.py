"""``SlackGateway`` on the real ``slack_sdk.WebClient``.

The client is built without retry handlers: a connection-error retry inside the client could
post a card twice, and a rate-limit retry would sleep in the caller's thread. The relay owns
retries and pacing; this adapter only translates outcomes into ``SlackUnavailable`` (try later)
and ``SlackRejected`` (a retry will not help).
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.metadata import Metadata

from bot.delivery.ports import RenderedMessage, SlackRejected, SlackUnavailable
from bot.slack.ttl_cache import TtlCache

log = logging.getLogger(__name__)

# People and memberships change rarely; a burst of cards for the same AE and channels should
# cost one lookup each, not one per card.
PEOPLE_TTL_SECONDS = 3600.0
UNKNOWN_PERSON_TTL_SECONDS = 600.0
MEMBERS_TTL_SECONDS = 600.0

TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
IGNORABLE_INVITE_ERRORS = frozenset({"already_in_channel", "cant_invite_self"})


def make_web_client(*, token: str | None, base_url: str, timeout: int = 10) -> WebClient:
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


@contextmanager
def _translated(method: str) -> Iterator[None]:
    try:
        yield
    except SlackApiError as error:
        response = error.response
        code = str(response.get("error", "")) if response.data else ""
        if response.status_code == 429 or code == "ratelimited":
            raise SlackUnavailable(
                f"{method}: rate limited",
                retry_after=_retry_after(response.headers),
                maybe_done=False,  # Slack did not do it: a retry needs no reconciliation
            ) from error
        if response.status_code >= 500 or code in TRANSIENT_ERRORS:
            raise SlackUnavailable(
                f"{method}: HTTP {response.status_code} {code}".strip()
            ) from error
        raise SlackRejected(f"{method}: {code or response.status_code}") from error
    except (urllib.error.URLError, http.client.HTTPException, OSError, TimeoutError) as error:
        reason = getattr(error, "reason", error)
        raise SlackUnavailable(
            f"{method}: {type(error).__name__}: {error}",
            maybe_done=not isinstance(reason, ConnectionRefusedError),
        ) from error


def _retry_after(headers: Any) -> float:
    raw = headers.get("Retry-After", headers.get("retry-after", 1))
    try:
        return min(max(float(raw), 1.0), 3600.0)
    except (TypeError, ValueError):
        return 1.0


class WebApiSlackGateway:
    def __init__(self, client: WebClient, *, now: Callable[[], float] = time.monotonic) -> None:
        self._client = client
        self._people: TtlCache[str, str | None] = TtlCache(ttl=PEOPLE_TTL_SECONDS, now=now)
        self._members: TtlCache[str, set[str]] = TtlCache(ttl=MEMBERS_TTL_SECONDS, now=now)
        self._users: TtlCache[str, dict[str, Any]] = TtlCache(ttl=PEOPLE_TTL_SECONDS, now=now)

    def lookup_user_id(self, email: str) -> str | None:
        key = email.lower()
        known, user_id = self._people.get(key)
        if known:
            return user_id
        try:
            with _translated("users.lookupByEmail"):
                response = self._client.users_lookupByEmail(email=email)
        except SlackRejected as error:
            if error.error.endswith("users_not_found"):
                self._people.put(key, None, ttl=UNKNOWN_PERSON_TTL_SECONDS)
                return None
            raise
        found = str(response["user"]["id"])
        self._people.put(key, found)
        return found

    def channel_members(self, channel_id: str) -> set[str]:
        known, members = self._members.get(channel_id)
        if known and members is not None:
            return set(members)
        found: set[str] = set()
        cursor: str | None = None
        while True:
            with _translated("conversations.members"):
                response = self._client.conversations_members(
                    channel=channel_id, limit=1000, cursor=cursor
                )
            found |= {str(member) for member in response["members"]}
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        self._members.put(channel_id, found)
        return set(found)

    def permalink(self, *, channel: str, ts: str) -> str:
        with _translated("chat.getPermalink"):
            response = self._client.chat_getPermalink(channel=channel, message_ts=ts)
        return str(response["permalink"])

    def create_channel(self, name: str) -> str | None:
        try:
            with _translated("conversations.create"):
                response = self._client.conversations_create(name=name)
        except SlackRejected as error:
            if error.error.endswith("name_taken"):
                return None
            raise
        return str(response["channel"]["id"])

    def find_channel_id(self, name: str) -> str | None:
        cursor: str | None = None
        while True:
            with _translated("conversations.list"):
                # Private channels are listed only if the bot was invited (groups:read).
                response = self._client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=1000,
                    cursor=cursor,
                )
            for channel in response["channels"]:
                if channel["name"] == name:
                    return str(channel["id"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    def join_channel(self, channel_id: str) -> None:
        try:
            with _translated("conversations.join"):
                self._client.conversations_join(channel=channel_id)
        except SlackRejected as error:
            # A private channel cannot be joined; the bot must have been invited. If it was
            # not, posting fails with not_in_channel and the admin sees that error.
            if not error.error.endswith("method_not_supported_for_channel_type"):
                raise

    def invite(self, channel_id: str, user_ids: list[str]) -> None:
        try:
            with _translated("conversations.invite"):
                self._client.conversations_invite(channel=channel_id, users=user_ids)
        except SlackRejected as error:
            if error.error.split(": ", 1)[-1] not in IGNORABLE_INVITE_ERRORS:
                raise
        known, members = self._members.get(channel_id)
        if known and members is not None:
            self._members.put(channel_id, members | set(user_ids))

    def post_message(
        self,
        *,
        channel: str,
        message: RenderedMessage,
        metadata: tuple[str, dict[str, str]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        with _translated("chat.postMessage"):
            response = self._client.chat_postMessage(
                channel=channel,
                text=message.text,
                blocks=message.blocks or None,
                thread_ts=thread_ts,
                metadata=Metadata(event_type=metadata[0], event_payload=metadata[1])
                if metadata
                else None,
                unfurl_links=False,
                unfurl_media=False,
            )
        return str(response["ts"])

    def update_message(self, *, channel: str, ts: str, message: RenderedMessage) -> None:
        with _translated("chat.update"):
            self._client.chat_update(
                channel=channel, ts=ts, text=message.text, blocks=message.blocks
            )

    def find_message_by_metadata(
        self, *, channel: str, event_type: str, key: str, value: str, oldest: datetime
    ) -> str | None:
        cursor: str | None = None
        while True:
            with _translated("conversations.history"):
                response = self._client.conversations_history(
                    channel=channel,
                    oldest=f"{oldest.timestamp():.6f}",
                    include_all_metadata=True,
                    limit=200,
                    cursor=cursor,
                )
            for message in response["messages"]:
                meta = message.get("metadata") or {}
                if (
                    meta.get("event_type") == event_type
                    and (meta.get("event_payload") or {}).get(key) == value
                ):
                    return str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None

    def publish_home(self, *, user_id: str, view: dict[str, object]) -> None:
        with _translated("views.publish"):
            self._client.views_publish(user_id=user_id, view=view)

    def usergroup_members(self, handle: str) -> set[str] | None:
        with _translated("usergroups.list"):
            groups = self._client.usergroups_list()["usergroups"]
        group = next((g for g in groups if g.get("handle") == handle), None)
        if group is None:
            return None
        with _translated("usergroups.users.list"):
            users = self._client.usergroups_users_list(usergroup=group["id"])["users"]
        return {str(user) for user in users}

    def user_email(self, user_id: str) -> str | None:
        email = (self._user(user_id).get("profile") or {}).get("email")
        return str(email) if email else None

    def user_time_zone(self, user_id: str) -> str | None:
        zone = self._user(user_id).get("tz")
        return str(zone) if zone else None

    def _user(self, user_id: str) -> dict[str, Any]:
        known, user = self._users.get(user_id)
        if known and user is not None:
            return user
        try:
            with _translated("users.info"):
                found = dict(self._client.users_info(user=user_id)["user"])
        except SlackRejected as error:
            if error.error.endswith("user_not_found"):
                return {}
            raise
        self._users.put(user_id, found)
        return found

    def send_file(
        self, *, to: str, message: RenderedMessage, filename: str, content: bytes
    ) -> None:
        channel = to
        if to.startswith(("U", "W")):
            with _translated("conversations.open"):
                channel = self._client.conversations_open(users=[to])["channel"]["id"]
        with _translated("files.completeUploadExternal"):
            self._client.files_upload_v2(
                channel=channel,
                content=content,
                filename=filename,
                title=filename,
                initial_comment=message.text or None,
            )
