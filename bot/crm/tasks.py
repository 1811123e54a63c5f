"""Salesforce Tasks Handoff creates, as outbox payloads."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any


def completed_task(subject: str, owner: str | None, at: datetime, text: str) -> dict[str, Any]:
    """A record of something that happened (feedback sent, meeting outcomes), as a closed Task."""
    return {
        "subject": subject[:255],
        "due": at.date().isoformat(),
        "owner_slack_id": owner,
        "status": "Completed",
        "description": text,
    }


def follow_up_task(
    deal_name: str, owner: str | None, ready_at: datetime, days: int
) -> dict[str, Any]:
    due: date = (ready_at + timedelta(days=days)).date()
    return {
        "subject": f"Two-week handoff follow-up: {deal_name}",
        "due": due.isoformat(),
        "owner_slack_id": owner,
        "status": "Not Started",
        "description": "Send the AE a short update: what went well, what context was missing, "
        "early engagement signals. Scheduled by Handoff when the handoff was marked ready.",
    }
