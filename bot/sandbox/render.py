"""Block Kit as readable terminal text, plus a Block Kit Builder link to see it as Slack would."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

BUILDER_URL = "https://app.slack.com/block-kit-builder/#"


def builder_link(blocks: list[dict[str, Any]]) -> str:
    return BUILDER_URL + quote(json.dumps({"blocks": blocks}, separators=(",", ":")))


EMOJI = {
    ":white_check_mark:": "[x]",
    ":white_large_square:": "[ ]",
    ":double_vertical_bar:": "||",
    ":large_blue_circle:": "o",
    ":crystal_ball:": "~",
    ":no_entry_sign:": "x",
    ":warning:": "!",
}


def plain(mrkdwn: str) -> str:
    """mrkdwn as a terminal shows it: no markup, dates in UTC, mentions as @id."""
    text = re.sub(r"<!date\^\d+\^[^|]*\|([^>]*)>", r"\1", mrkdwn)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w])_([^_\n]+)_(?![\w])", r"\1", text)
    for code, symbol in EMOJI.items():
        text = text.replace(code, symbol)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<@(\w+)>", r"@\1", text)
    text = re.sub(r"<#(\w+)(?:\|([^>]*))?>", lambda m: "#" + (m.group(2) or m.group(1)), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(blocks: list[dict[str, Any]]) -> str:
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * len(title)]
        elif kind == "section":
            if "text" in block:
                lines.append(plain(block["text"]["text"]))
            for item in block.get("fields", []):
                lines.append("  " + plain(item["text"]).replace("\n", ": ", 1))
        elif kind == "context":
            lines.append("  " + " ".join(plain(e.get("text", "")) for e in block["elements"]))
        elif kind == "actions":
            buttons = [f"[ {e['text']['text']} ]" for e in block["elements"] if "text" in e]
            lines.append("  " + "  ".join(buttons))
        elif kind == "divider":
            lines.append("-" * 40)
    return "\n".join(lines)
