"""Text helpers shared by the builders: escaping, mentions, dates, money."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from bot.domain.read_models import HandoffStatus

# The one style of status marker, and of checklist ticks, wherever a handoff is shown.
STATUS_MARKERS = {
    HandoffStatus.UPCOMING: ":large_purple_circle:",
    HandoffStatus.HELD: ":large_orange_circle:",
    HandoffStatus.OPEN: ":large_blue_circle:",
    HandoffStatus.READY: ":large_green_circle:",
    HandoffStatus.CANCELLED: ":white_circle:",
}
DONE, TO_DO = ":white_check_mark:", ":white_large_square:"


def escape(text: str) -> str:
    """Escape mrkdwn control characters so CRM data can never mention @channel or fake a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user_mention(user_id: str | None, email: str | None, *, unknown: str = "_unknown_") -> str:
    if user_id:
        return f"<@{user_id}>"
    if email:
        return escape(email)
    return unknown


def slack_date(moment: datetime, token: str = "{date_short_pretty} at {time}") -> str:
    """A date token each reader sees in their own time zone; the fallback is UTC."""
    fallback = moment.strftime("%Y-%m-%d %H:%M UTC" if "{time}" in token else "%Y-%m-%d")
    return f"<!date^{int(moment.timestamp())}^{token}|{fallback}>"


def money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    formatted = f"{amount:,.2f}".removesuffix(".00")
    return f"{currency} {formatted}" if currency else formatted


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
