"""``CanvasGateway`` on the real ``slack_sdk.WebClient``: the channel canvas that holds the brief.

Outcomes are translated like every other call (``SlackUnavailable``: try later;
``SlackRejected``: a retry will not help), so the upkeep decides what a refusal means.
"""

from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.gateway import _translated


class WebApiCanvases:
    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._workspace: tuple[str, str] | None = None  # (workspace url, team id)

    def create_channel_canvas(self, *, channel: str, title: str, markdown: str) -> str:
        with _translated("conversations.canvases.create"):
            response = self._client.conversations_canvases_create(
                channel_id=channel,
                title=title,
                document_content={"type": "markdown", "markdown": markdown},
            )
        return str(response["canvas_id"])

    def channel_canvas_id(self, channel: str) -> str | None:
        with _translated("conversations.info"):
            response = self._client.conversations_info(channel=channel)
        canvas = ((response.get("channel") or {}).get("properties") or {}).get("canvas") or {}
        found = canvas.get("file_id")
        return str(found) if found else None

    def edit_canvas(
        self, *, canvas_id: str, markdown: str, operation: str, section_id: str | None = None
    ) -> None:
        change: dict[str, object] = {
            "operation": operation,
            "document_content": {"type": "markdown", "markdown": markdown},
        }
        if section_id is not None:
            change["section_id"] = section_id
        with _translated("canvases.edit"):
            self._client.canvases_edit(canvas_id=canvas_id, changes=[change])

    def find_section(self, *, canvas_id: str, heading: str) -> str | None:
        with _translated("canvases.sections.lookup"):
            response = self._client.canvases_sections_lookup(
                canvas_id=canvas_id, criteria={"section_types": ["h1"], "contains_text": heading}
            )
        sections = response.get("sections") or []
        return str(sections[0]["id"]) if sections else None

    def canvas_url(self, canvas_id: str) -> str:
        if self._workspace is None:
            with _translated("auth.test"):
                identity = self._client.auth_test()
            self._workspace = (str(identity["url"]), str(identity["team_id"]))
        url, team = self._workspace
        return f"{url.rstrip('/')}/docs/{team}/{canvas_id}"
