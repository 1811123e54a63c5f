"""Block Kit as readable terminal text, and Block Kit Builder links to see it as Slack would.

Every emoji the app writes is shown as the same Unicode character wherever it appears, people
and channels by name, dates in UTC.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

BUILDER_URL = "https://app.slack.com/block-kit-builder/#"

# Each emoji code the app's messages use (a test keeps this complete).
EMOJI = {
    ":grey_question:": "❔",
    ":mag:": "🔍",
    ":package:": "📦",
    ":heavy_minus_sign:": "➖",
    ":bulb:": "💡",
    ":wastebasket:": "🗑️",
    ":page_facing_up:": "📄",
    ":white_check_mark:": "✅",
    ":white_large_square:": "⬜",
    ":large_purple_circle:": "🟣",
    ":large_orange_circle:": "🟠",
    ":large_blue_circle:": "🔵",
    ":large_green_circle:": "🟢",
    ":white_circle:": "⚪",
    ":large_orange_diamond:": "🔶",
    ":rotating_light:": "🚨",
    ":warning:": "⚠️",
    ":handshake:": "🤝",
    ":thumbsup:": "👍",
    ":memo:": "📝",
    ":clipboard:": "📋",
    ":calendar:": "📅",
    ":zzz:": "💤",
    ":tada:": "🎉",
    ":speech_balloon:": "💬",
    ":raising_hand:": "🙋",
    ":pencil2:": "✏️",
    ":leftwards_arrow_with_hook:": "↩️",
    ":arrows_counterclockwise:": "🔄",
    ":dart:": "🎯",
    ":checkered_flag:": "🏁",
    ":bell:": "🔔",
    ":bar_chart:": "📊",
    ":alarm_clock:": "⏰",
    ":hourglass:": "⌛",
}
EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")
Names = Callable[[str], str]


def _same(identifier: str) -> str:
    return identifier


def emoji(text: str) -> str:
    return EMOJI_CODE.sub(lambda found: EMOJI.get(found.group(0), found.group(0)), text)


def plain(mrkdwn: str, *, user: Names = _same, channel: Names = _same) -> str:
    """mrkdwn as a terminal shows it: no markup, dates in UTC, people and channels by name."""
    text = re.sub(r"<!date\^\d+\^[^|]*\|([^>]*)>", r"\1", mrkdwn)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"\1", text)
    text = re.sub(r"(?<![\w])_([^_\n]+)_(?![\w])", r"\1", text)
    text = emoji(text)
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r"\2 (\1)", text)
    text = re.sub(r"<@(\w+)>", lambda found: "@" + user(found.group(1)), text)
    text = re.sub(
        r"<#(\w+)(?:\|([^>]*))?>",
        lambda found: "#" + (found.group(2) or channel(found.group(1))),
        text,
    )
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def blocks_as_text(
    blocks: list[dict[str, Any]], *, user: Names = _same, channel: Names = _same
) -> str:
    def show(text: str) -> str:
        return plain(text, user=user, channel=channel)

    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = emoji(block["text"]["text"])
            lines += [title, "=" * len(title)]
        elif kind == "section":
            if "text" in block:
                lines.append(show(block["text"]["text"]))
            for item in block.get("fields", []):
                lines.append("  " + show(item["text"]).replace("\n", ": ", 1))
        elif kind == "context":
            lines.append("  " + " ".join(show(e.get("text", "")) for e in block["elements"]))
        elif kind == "actions":
            lines.append("  " + "  ".join(_element(e) for e in block["elements"]))
        elif kind == "divider":
            lines.append("-" * 40)
    return "\n".join(lines)


def _element(element: dict[str, Any]) -> str:
    if element.get("type") == "overflow":
        return "[ ⋯ " + " / ".join(o["text"]["text"] for o in element["options"]) + " ]"
    primary = "*" if element.get("style") == "primary" else ""
    return f"[ {primary}{element.get('text', {}).get('text', '?')}{primary} ]"


def builder_link(blocks: list[dict[str, Any]]) -> str:
    return BUILDER_URL + quote(json.dumps({"blocks": blocks}, separators=(",", ":")))


def links_page(cards: Sequence[tuple[str, list[dict[str, Any]]]]) -> str:
    """An HTML page with one Block Kit Builder link per card the demo showed."""
    items = "\n".join(
        f'<li><a href="{html.escape(builder_link(blocks))}">{html.escape(title)}</a></li>'
        for title, blocks in cards
    )
    return (
        '<!doctype html>\n<meta charset="utf-8">\n<title>Handoff demo: the cards</title>\n'
        "<h1>Handoff demo: the cards</h1>\n"
        "<p>Each link opens the card in Slack's Block Kit Builder (sign in to Slack first).</p>\n"
        f"<ol>\n{items}\n</ol>\n"
    )
