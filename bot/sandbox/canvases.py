"""Channel canvases in the sandbox workspace: created, edited, their sections looked up.

A canvas is kept as its sections: each top-level heading (``# …``) starts one, which runs to the
next one; text before the first heading is a section of its own. Every edit gives the sections
it writes new ids, as Slack's ``temp:C:…`` ids are not stable, so a client must look a section
up before changing it. Slack's refusals are reproduced on cue: ``channel_canvas_already_exists``
(a channel seeded with a canvas), a plan without channel canvases (``plan_error``).
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_MARKDOWN = 1_048_576
OPERATIONS = (
    "insert_after",
    "insert_before",
    "insert_at_start",
    "insert_at_end",
    "replace",
    "delete",
)


@dataclass
class Canvas:
    id: str
    channel_id: str | None
    title: str
    sections: list[tuple[str, str]] = field(default_factory=list)  # (id, markdown)

    @property
    def markdown(self) -> str:
        return "\n".join(text.rstrip("\n") for _, text in self.sections) + "\n"


class CanvasStore:
    """Mixed into the workspace: its lock guards these too."""

    canvases: dict[str, Canvas]
    channel_canvases: dict[str, str]  # channel id -> canvas id
    # An error every canvas creation answers (a plan without channel canvases), or None.
    plan_error: str | None
    _section_ids = itertools.count(1)
    _canvas_ids = itertools.count(1)

    def add_channel_canvas(self, channel_id: str, markdown: str, title: str = "Canvas") -> str:
        """Seed a channel with the canvas someone already made."""
        canvas = Canvas(f"F0CANVAS{next(self._canvas_ids):04d}", channel_id, title)
        canvas.sections = self._sections(markdown)
        self.canvases[canvas.id] = canvas
        self.channel_canvases[channel_id] = canvas.id
        return canvas.id

    def channel_canvas(self, channel_id: str) -> Canvas | None:
        canvas_id = self.channel_canvases.get(channel_id)
        return self.canvases.get(canvas_id) if canvas_id else None

    def _sections(self, markdown: str) -> list[tuple[str, str]]:
        chunks: list[list[str]] = []
        for line in markdown.splitlines():
            if line.startswith("# ") or not chunks:
                chunks.append([])
            chunks[-1].append(line)
        return [(f"temp:C:{next(self._section_ids):024d}", "\n".join(c)) for c in chunks if c]

    def _m_conversations_canvases_create(self, args: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(args["channel_id"])
        if self.plan_error:
            return {"ok": False, "error": self.plan_error}
        if channel_id not in getattr(self, "channels", {}):
            return {"ok": False, "error": "channel_not_found"}
        if channel_id in self.channel_canvases:
            return {"ok": False, "error": "channel_canvas_already_exists"}
        content, problem = _content(args.get("document_content"))
        if problem:
            return {"ok": False, "error": problem}
        return {
            "ok": True,
            "canvas_id": self.add_channel_canvas(
                channel_id, content, str(args.get("title") or "Canvas")
            ),
        }

    def _m_canvases_edit(self, args: dict[str, Any]) -> dict[str, Any]:
        canvas = self.canvases.get(str(args["canvas_id"]))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        changes = _json(args["changes"])
        if not isinstance(changes, list) or len(changes) != 1:
            return {"ok": False, "error": "invalid_arguments"}  # one operation per call
        change = changes[0]
        operation, section_id = change.get("operation"), change.get("section_id")
        if operation not in OPERATIONS:
            return {"ok": False, "error": "invalid_arguments"}
        content, problem = ("", None)
        if operation != "delete":
            content, problem = _content(change.get("document_content"))
        if problem:
            return {"ok": False, "error": problem}
        ids = [sid for sid, _ in canvas.sections]
        if section_id is not None and section_id not in ids:
            return {"ok": False, "error": "canvas_editing_failed"}
        new = self._sections(content) if content else []
        at = ids.index(section_id) if section_id is not None else None
        if operation == "replace" and at is None:
            canvas.sections = new
        elif operation == "replace" or operation == "delete":
            if at is None:
                return {"ok": False, "error": "invalid_arguments"}
            canvas.sections[at : at + 1] = new
        elif operation == "insert_at_end":
            canvas.sections += new
        elif operation == "insert_at_start":
            canvas.sections[:0] = new
        else:
            if at is None:
                return {"ok": False, "error": "invalid_arguments"}
            where = at + 1 if operation == "insert_after" else at
            canvas.sections[where:where] = new
        return {"ok": True}

    def _m_canvases_sections_lookup(self, args: dict[str, Any]) -> dict[str, Any]:
        canvas = self.canvases.get(str(args["canvas_id"]))
        if canvas is None:
            return {"ok": False, "error": "canvas_not_found"}
        criteria = _json(args["criteria"])
        if not isinstance(criteria, dict) or not (
            criteria.get("section_types") or criteria.get("contains_text")
        ):
            return {"ok": False, "error": "invalid_arguments"}
        types = set(criteria.get("section_types") or ["any_header"])
        text = str(criteria.get("contains_text") or "")
        found = [
            {"id": sid}
            for sid, chunk in canvas.sections
            if chunk.startswith("# ")
            and types & {"h1", "any_header"}
            and text in re.sub(r"\\(.)", r"\1", chunk.splitlines()[0])
        ]
        return {"ok": True, "sections": found}


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _content(document: Any) -> tuple[str, str | None]:
    document = _json(document)
    if not isinstance(document, dict) or document.get("type") != "markdown":
        return "", "invalid_arguments"
    markdown = str(document.get("markdown") or "")
    if len(markdown) > MAX_MARKDOWN:
        return "", "canvas_creation_failed"
    return markdown, None
