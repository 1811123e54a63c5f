"""A Slack message's text as people read it: mentions as names, links as URLs, no escapes.

Quotes are verified against this form, so what the AE sees quoted is what the channel showed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^>]*))?>")
_CHANNEL = re.compile(r"<#([CG][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_SUBTEAM = re.compile(r"<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>")
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def mentioned_users(text: str) -> set[str]:
    """The user ids a message mentions (their names are looked up before reading it)."""
    return {match.group(1) for match in _USER.finditer(text)}


def plain_text(text: str, names: Mapping[str, str]) -> str:
    """`<@U1>` -> `@Priya Shah`, `<https://x|label>` -> `label (https://x)`, `&lt;` -> `<`."""
    text = _USER.sub(lambda m: "@" + (names.get(m.group(1)) or m.group(2) or "someone"), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or "a-channel"), text)
    text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
    text = _SUBTEAM.sub(lambda m: m.group(1) or "@a-group", text)
    text = _DATE.sub(lambda m: m.group(1), text)
    text = _LINK.sub(_link, text)
    return html.unescape(text)


def _link(match: re.Match[str]) -> str:
    url, label = match.group(1), match.group(2)
    if url.startswith("mailto:"):
        return label or url.removeprefix("mailto:")
    if not label or label == url or url.endswith(label):
        return url
    return f"{label} ({url})"
