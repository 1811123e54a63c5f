"""Identifiers stored in the database. Values are persisted: never rename one."""

from __future__ import annotations

import enum


class CrmName(enum.StrEnum):
    """Where a deal came from (``handoffs.crm``, ``inbox.source``)."""

    SALESFORCE = "salesforce"
    HUBSPOT = "hubspot"
    WEBHOOK = "webhook"


class HandoffStatus(enum.StrEnum):
    UPCOMING = "upcoming"
    HELD = "held"
    OPEN = "open"
    READY = "ready"
    CANCELLED = "cancelled"


class FieldSource(enum.StrEnum):
    CRM = "crm"
    PERSON = "person"


class OutboxKind(enum.StrEnum):
    INVITE_TO_CHANNEL = "invite_to_channel"
    THREAD_NOTE = "thread_note"
    PUBLISH_HOME = "publish_home"
    NOTIFY_ADMINS = "notify_admins"
    # Stored as 'crm_sync' since the first release: the CRM record mirrors the handoff.
    CRM_WRITE_BACK = "crm_sync"
    CRM_TASK = "crm_task"
    CRM_NOTE = "crm_note"
    CRM_REFRESH = "crm_refresh"
    # A confirmed commitment on the deal (payload: its id; the adapter reads it when sending):
    # a Salesforce Task kept in sync with its status, a HubSpot task or note.
    CRM_COMMITMENT = "crm_commitment"
    NUDGE = "nudge"
    SYNC_INVITE = "sync_invite"
    WEEKLY_REPORT = "weekly_report"
    AUDIT_SAMPLE = "audit_sample"
    ESCALATION = "escalation"
    # Context from calls and the deal channel: one download per shared transcript file, one
    # coalesced extraction per handoff (both run by the context jobs, never by the relay).
    CONTEXT_FILE = "context_file"
    CONTEXT_EXTRACT = "context_extract"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class DeadlineKind(enum.StrEnum):
    SLA_WARN = "sla_warn"
    SLA_BREACH = "sla_breach"
    FEEDBACK_REQUEST = "feedback_request"
    SYNC_REMINDER = "sync_reminder"
    SYNC_OUTCOMES = "sync_outcomes"
    EXCEPTION_EXPIRY = "exception_expiry"
    # A confirmed commitment's reminder to its owner, before it is due (payload: its id).
    COMMITMENT_DUE = "commitment_due"


class DeadlineStatus(enum.StrEnum):
    PENDING = "pending"
    CLAIMED = "claimed"
    DONE = "done"
    CANCELLED = "cancelled"


class AuditAction(enum.StrEnum):
    HANDOFF_STARTED = "handoff_started"
    DEAL_UPDATED = "deal_updated"
    FIELD_SET = "field_set"
    FIELD_CONFLICT = "field_conflict"
    CARD_POSTED = "card_posted"
    INTRODUCED = "introduced"
    CLOSED_WON = "closed_won"
    DEAL_LOST = "deal_lost"
    CLAIMED = "claimed"
    REASSIGNED = "reassigned"
    RELEASED = "released"
    EXCEPTION_GRANTED = "exception_granted"
    MARKED_READY = "marked_ready"
    NUDGED = "nudged"
    ESCALATED = "escalated"
    SNOOZED = "snoozed"
    ACKNOWLEDGED = "acknowledged"
    KICKOFF_HELD = "kickoff_held"
    FIRST_VALUE = "first_value"
    ONBOARDING_DONE = "onboarding_done"
    FEEDBACK_REQUESTED = "feedback_requested"
    FEEDBACK_SENT = "feedback_sent"
    SYNC_SCHEDULED = "sync_scheduled"
    OUTCOMES_CAPTURED = "outcomes_captured"
    EXCEPTION_EXPIRED = "exception_expired"
    CONTEXT_FORGOTTEN = "context_forgotten"
    # The commitments ledger (detail: the commitment's id and what changed).
    COMMITMENT_PROPOSED = "commitment_proposed"
    COMMITMENT_EDITED = "commitment_edited"
    COMMITMENT_SPLIT = "commitment_split"
    COMMITMENT_MERGED = "commitment_merged"
    COMMITMENT_CONFIRMED = "commitment_confirmed"
    COMMITMENT_DROPPED = "commitment_dropped"
    COMMITMENT_DELIVERED = "commitment_delivered"
    COMMITMENT_AT_RISK = "commitment_at_risk"
    COMMITMENT_REMINDED = "commitment_reminded"
    COMMITMENT_OVERDUE = "commitment_overdue"


class ContextKind(enum.StrEnum):
    """What a stored piece of context is: a sales call, or a message in the deal channel."""

    CALL = "call"
    SLACK = "slack"


class ContextOrigin(enum.StrEnum):
    """How it reached us; with ``external_id`` it identifies a source (deliveries dedupe on it)."""

    API = "api"  # POST /context/transcripts; external_id: the body's id
    FILE = "file"  # a transcript file shared in the deal channel; external_id: Slack file id
    MESSAGE = "message"  # a deal-channel message; external_id: "<channel>:<ts>"


class ContextState(enum.StrEnum):
    READY = "ready"  # segments stored
    DOWNLOADING = "downloading"  # a shared file waiting for its download
    FAILED = "failed"  # a shared file that could not be read (``error`` says why)
    DELETED = "deleted"  # a deleted message: a tombstone without text, so a late retry adds nothing


class SuggestionStatus(enum.StrEnum):
    PENDING = "pending"
    KEPT = "kept"
    DISMISSED = "dismissed"


class CommitmentStatus(enum.StrEnum):
    """proposed → confirmed → delivered; or dropped (with a reason), or at risk."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DELIVERED = "delivered"
    DROPPED = "dropped"
    AT_RISK = "at_risk"


class CommitmentSource(enum.StrEnum):
    EXTRACTED = "extracted"  # found in a call or the deal channel (a quote and a link)
    ENTERED = "entered"  # typed into the Commitments modal by a person
