"""A handoff row as the read model every renderer gets: detached from the session."""

from __future__ import annotations

from bot.config.playbook import Playbook
from bot.domain.commitments import view_of
from bot.domain.read_models import ExceptionGrant, FieldLine, HandoffCard
from storage.models import Handoff


def card_snapshot(handoff: Handoff, playbook: Playbook) -> HandoffCard:
    """Everything the card and the brief show, detached from the session."""
    values = {value.key: value for value in handoff.fields}
    lines = tuple(
        FieldLine(
            key=spec.key,
            label=spec.label,
            required=spec.required,
            value=values[spec.key].value if spec.key in values else None,
            source=values[spec.key].source if spec.key in values else None,
            set_by=values[spec.key].set_by if spec.key in values else None,
            updated_at=values[spec.key].updated_at if spec.key in values else None,
            crm_value=values[spec.key].crm_value if spec.key in values else None,
            suggested_from=values[spec.key].suggested_from if spec.key in values else None,
            suggested_quote=values[spec.key].suggested_quote if spec.key in values else None,
        )
        for spec in playbook.fields
    )
    exception = (
        ExceptionGrant(
            by=handoff.exception_by,
            reason=handoff.exception_reason or "",
            at=handoff.exception_at,
            until=handoff.exception_until,
        )
        if handoff.exception_by and handoff.exception_at
        else None
    )
    return HandoffCard(
        handoff_id=handoff.id,
        version=handoff.state_version,
        deal_id=handoff.deal_id,
        deal_name=handoff.deal_name,
        account_name=handoff.account_name,
        stage=handoff.stage,
        amount=handoff.amount,
        currency=handoff.currency,
        close_date=handoff.close_date,
        deal_url=handoff.deal_url,
        status=handoff.status,
        ae_slack_id=handoff.ae_slack_id,
        ae_email=handoff.ae_email,
        owner_slack_id=handoff.owner_slack_id,
        sla_due_at=handoff.sla_due_at,
        fields=lines,
        exception=exception,
        sla_breached_at=handoff.sla_breached_at,
        kickoff_at=handoff.kickoff_at,
        first_value_at=handoff.first_value_at,
        onboarding_done_at=handoff.onboarding_done_at,
        feedback_at=handoff.feedback_at,
        sync_at=handoff.sync_at,
        sync_minutes=handoff.sync_minutes,
        sync_outcomes=handoff.sync_outcomes,
        follow_up_scheduled=handoff.sync_at is not None,
        ready_by=handoff.ready_by,
        ready_at=handoff.ready_at,
        success_plan_reviewed=handoff.success_plan_reviewed,
        channel_id=handoff.channel_id,
        card_ts=handoff.card_ts,
        suggestions_waiting=handoff.suggestions_waiting,
        canvas_url=canvas_url(handoff),
        commitments=tuple(view_of(row) for row in handoff.commitments),
    )


def canvas_url(handoff: Handoff) -> str | None:
    canvas = handoff.brief_canvas
    if canvas is None or canvas.mode not in ("channel", "section"):
        return None
    return canvas.url
