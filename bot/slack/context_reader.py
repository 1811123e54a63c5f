"""What the context jobs need from Slack: a shared file's bytes, people's names, and a private
word to the person who shared a transcript.

A file is read with `files.info` (its `url_private_download`) and an HTTP GET carrying the bot
token, which is sent only to Slack's own hosts (or to the API's host, for a stand-in). Without
the token Slack answers 200 with its sign-in page, so an HTML answer is a refusal, not a file.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from slack_sdk import WebClient

from bot.delivery.ports import RenderedMessage, SlackRejected, SlackUnavailable
from bot.slack.gateway import _translated

log = logging.getLogger(__name__)

DOWNLOAD_TIMEOUT_SECONDS = 30
NAME_CACHE_SIZE = 5000


@dataclass(frozen=True, slots=True)
class DownloadedFile:
    name: str
    content: bytes


class SlackContextReader:
    def __init__(self, client: WebClient, *, api_url: str) -> None:
        self._client = client
        self._api_host = urlparse(api_url).hostname or ""
        self._names: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def download(self, file_id: str, *, max_bytes: int) -> DownloadedFile:
        with _translated("files.info"):
            info = dict(self._client.files_info(file=file_id)["file"])
        name = str(info.get("name") or file_id)
        if int(info.get("size") or 0) > max_bytes:
            raise SlackRejected(f"the file is larger than {max_bytes // 1_000_000} MB")
        url = str(info.get("url_private_download") or info.get("url_private") or "")
        host = urlparse(url).hostname or ""
        if not (host == self._api_host or host == "slack.com" or host.endswith(".slack.com")):
            raise SlackRejected(f"the file is not on Slack ({host or 'no URL'})")
        request = urllib.request.Request(
            url, headers={"Authorization": f"Bearer {self._client.token}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as answer:
                kind = answer.headers.get("Content-Type", "")
                content = answer.read(max_bytes + 1)
        except urllib.error.HTTPError as error:
            if error.code == 429 or error.code >= 500:
                raise SlackUnavailable(f"file download: HTTP {error.code}") from error
            raise SlackRejected(f"file download: HTTP {error.code}") from error
        except (urllib.error.URLError, OSError, TimeoutError) as error:
            raise SlackUnavailable(f"file download: {type(error).__name__}: {error}") from error
        if kind.startswith("text/html"):
            raise SlackRejected("Slack answered with a web page (is files:read granted?)")
        if len(content) > max_bytes:
            raise SlackRejected(f"the file is larger than {max_bytes // 1_000_000} MB")
        return DownloadedFile(name, content)

    def display_name(self, user_id: str) -> str | None:
        """The name colleagues see (display name, else real name), cached for the process."""
        with self._lock:
            if user_id in self._names:
                return self._names[user_id]
        try:
            with _translated("users.info"):
                user = dict(self._client.users_info(user=user_id)["user"])
        except SlackRejected as error:
            # A name only helps reading; a refusal (a missing scope, a deleted user) must not
            # stop the deal's context from being read.
            if not error.error.endswith("user_not_found"):
                log.warning("no name for %s: %s", user_id, error.error)
            user = {}
        profile = user.get("profile") or {}
        name = profile.get("real_name") or profile.get("display_name") or user.get("real_name")
        with self._lock:
            if len(self._names) >= NAME_CACHE_SIZE:
                self._names.clear()
            self._names[user_id] = str(name) if name else None
        return self._names[user_id]

    def tell(self, *, channel: str, user: str, message: RenderedMessage) -> None:
        """Only they see it, where they shared the file."""
        with _translated("chat.postEphemeral"):
            self._client.chat_postEphemeral(
                channel=channel, user=user, text=message.text, blocks=message.blocks or None
            )
