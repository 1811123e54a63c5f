"""The CRM-neutral tasks and notes (``bot/crm/tasks.py``) as Salesforce Task fields.

Both become Tasks on the Opportunity: the follow-up is open and due ``follow_up_days`` after
the handoff was ready; a note (sync outcomes, feedback) is a completed Task dated when it
happened.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.crm.tasks import CrmCommitment, follow_up_due
from bot.domain.commitments import CommitmentStatus
from storage.enums import OutboxKind


def task_fields(
    kind: OutboxKind, payload: dict[str, Any], *, follow_up_days: int
) -> dict[str, Any]:
    """Subject, ActivityDate, Status and Description of the Task for one outbox row."""
    if kind is OutboxKind.CRM_NOTE:
        return {
            "Subject": str(payload["subject"])[:255],
            "ActivityDate": datetime.fromisoformat(str(payload["at"])).date().isoformat(),
            "Status": "Completed",
            "Description": str(payload.get("text", ""))[:32000],
        }
    return {
        "Subject": str(payload["subject"])[:255],
        "ActivityDate": follow_up_due(payload, follow_up_days).date().isoformat(),
        # Rows queued by earlier releases recorded notes as completed Tasks with a status.
        "Status": str(payload.get("status", "Not Started")),
        "Description": str(payload.get("description", ""))[:32000],
    }


def task_owner(payload: dict[str, Any]) -> object:
    """The Slack user the Task belongs to: the follow-up's owner, or a note's author."""
    return payload.get("owner_slack_id") or payload.get("author_slack_id")


# A commitment's status as the Task's (the standard picklist's values).
COMMITMENT_TASK_STATUS = {
    CommitmentStatus.PROPOSED: "Not Started",
    CommitmentStatus.CONFIRMED: "Not Started",
    CommitmentStatus.AT_RISK: "Waiting on someone else",
    CommitmentStatus.DELIVERED: "Completed",
    CommitmentStatus.DROPPED: "Deferred",
}


def commitment_task_fields(commitment: CrmCommitment) -> dict[str, Any]:
    """The Task that tracks one confirmed commitment on the Opportunity."""
    return {
        "Subject": commitment.task_subject,
        "ActivityDate": commitment.due_on.isoformat() if commitment.due_on else None,
        "Status": COMMITMENT_TASK_STATUS[commitment.status],
        "Description": commitment.description,
    }
