"""What the workflow asks of a CRM, as CRM-neutral outbox payloads each adapter maps.

Three kinds: ``CRM_WRITE_BACK`` (the handoff's state onto the deal; no payload, the adapter
reads the handoff when it sends), ``CRM_TASK`` (the follow-up to do when the handoff is ready)
and ``CRM_NOTE`` (something that happened: sync outcomes, the two-week feedback). Salesforce
makes Tasks of both; HubSpot makes a task and notes (or completed tasks, as configured).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.commitments import CommitmentStatus, CommitmentView
from storage.enums import CrmName, HandoffStatus
from storage.models import Handoff

# Sources that only start handoffs and take nothing back (the signed JSON webhook).
TRIGGER_ONLY = frozenset({CrmName.WEBHOOK})
STATUS_LABELS = {
    HandoffStatus.UPCOMING: "Upcoming",
    HandoffStatus.HELD: "Held",
    HandoffStatus.OPEN: "Open",
    HandoffStatus.READY: "Ready",
    HandoffStatus.CANCELLED: "Closed",
}
FOLLOW_UP_TEXT = (
    "Send the AE a short update: what went well, what context was missing, early engagement "
    "signals. Scheduled by Handoff when the handoff was marked ready."
)


def takes_writes(crm: str) -> bool:
    """Whether deals from this source get write-backs, tasks and notes."""
    return crm not in TRIGGER_ONLY


def follow_up_task(*, deal_name: str, owner: str | None, ready_at: datetime) -> dict[str, Any]:
    """The follow-up to do; each CRM sets it due ``follow_up_days`` after ``ready_at``."""
    return {
        "subject": f"Two-week handoff follow-up: {deal_name}"[:255],
        "ready_at": ready_at.isoformat(),
        "owner_slack_id": owner,
        "description": FOLLOW_UP_TEXT,
    }


def activity_note(*, subject: str, author: str | None, at: datetime, text: str) -> dict[str, Any]:
    """A record of something that happened on the handoff, for the deal's timeline."""
    return {
        "subject": subject[:255],
        "at": at.isoformat(),
        "author_slack_id": author,
        "text": text,
    }


def follow_up_due(payload: Mapping[str, Any], days: int) -> datetime:
    """When a follow-up task is due (rows queued before ``ready_at`` existed carry ``due``)."""
    if payload.get("ready_at"):
        return datetime.fromisoformat(str(payload["ready_at"])) + timedelta(days=days)
    return datetime.fromisoformat(str(payload["due"])).replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class DealState:
    """The handoff as a CRM's write-back shows it on the deal."""

    deal_id: str
    status: str  # one of STATUS_LABELS' values
    owner_slack_id: str | None
    ready: bool
    ready_at: datetime | None
    slack_link: str | None

    @classmethod
    def of(cls, handoff: Handoff) -> DealState:
        link = None
        if handoff.channel_id and handoff.card_ts:
            ts = handoff.card_ts.replace(".", "")
            link = f"https://slack.com/archives/{handoff.channel_id}/p{ts}"
        return cls(
            deal_id=handoff.deal_id,
            status=STATUS_LABELS[handoff.status],
            owner_slack_id=handoff.owner_slack_id,
            ready=handoff.status is HandoffStatus.READY,
            ready_at=handoff.ready_at,
            slack_link=link,
        )


@dataclass(frozen=True, slots=True)
class CrmCommitment:
    """A confirmed commitment as a task on the deal: its wording, due date, status, owner, and
    the task already made for it (``task_id``), if any."""

    commitment_id: int
    deal_id: str
    subject: str
    description: str
    due_on: date | None
    status: CommitmentStatus
    owner_slack_id: str | None
    task_id: str | None

    @property
    def done(self) -> bool:
        return self.status in (CommitmentStatus.DELIVERED, CommitmentStatus.DROPPED)

    @property
    def task_subject(self) -> str:
        """The task's subject: a commitment at risk says so where a task list shows it."""
        if self.status is CommitmentStatus.AT_RISK:
            return f"[At risk] {self.subject}"[:255]
        return self.subject

    @classmethod
    def of(cls, view: CommitmentView, *, deal_id: str) -> CrmCommitment:
        lines = [f"Status: {view.label}"]
        if view.promised_by or view.promised_to:
            lines.append(f"Promised by {view.promised_by or '?'} to {view.promised_to or '?'}")
        if view.drop_reason:
            lines.append(f"Dropped: {view.drop_reason}")
        if view.source_quote:
            lines.append(f"Said: “{view.source_quote}”")
        if view.source_url:
            lines.append(f"Source: {view.source_url}")
        if view.feedback_note:
            lines.append(f"Two-week feedback: {view.feedback} — {view.feedback_note}")
        lines.append("Tracked by Handoff's commitments ledger.")
        return cls(
            commitment_id=view.id,
            deal_id=deal_id,
            subject=f"Commitment: {view.text}"[:255],
            description="\n".join(lines)[:32000],
            due_on=view.due_on,
            status=view.status,
            owner_slack_id=view.owner_slack_id,
            task_id=view.crm_task_id,
        )
