"""Modal submissions: inline errors in the ack (checked pure, or through a read session),
otherwise ack and call one service on the after-ack pool (``later``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot.blocks.modals import FIELD_BLOCK_PREFIX
from bot.handlers.payloads import (
    actor,
    checked,
    choice,
    date_input,
    datetime_input,
    feedback_answers,
    field_values,
    shown_suggestions,
    text_input,
    user_input,
    users_input,
    view_handoff,
)
from bot.handlers.routing import Later, after_ack
from bot.handlers.services import services_of
from bot.slack.ids import Input, View


def register(app: App) -> None:
    app.view(View.FIELDS)(after_ack(save_fields))
    app.view(View.EXCEPTION)(after_ack(grant_exception))
    app.view(View.REASSIGN)(after_ack(reassign))
    app.view(View.READY)(after_ack(mark_ready))
    app.view(View.KICKOFF)(after_ack(record_kickoff))
    app.view(View.FEEDBACK)(after_ack(send_feedback))
    app.view(View.SYNC)(after_ack(schedule_sync))
    app.view(View.OUTCOMES)(after_ack(capture_outcomes))


def save_fields(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    details = services_of(context).details
    handoff_id, values, user = view_handoff(view), field_values(view), actor(body)
    errors = details.field_errors(handoff_id=handoff_id, values=values)  # a read session
    if errors:
        ack(response_action="errors", errors={FIELD_BLOCK_PREFIX + k: v for k, v in errors.items()})
        return
    suggested = shown_suggestions(view)
    later(
        lambda: details.save_fields(
            handoff_id=handoff_id, actor=user, values=values, suggested=suggested
        )
    )


def grant_exception(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    signoff = services_of(context).signoff
    reason, until = (
        text_input(view, Input.EXCEPTION_REASON),
        date_input(view, Input.EXCEPTION_UNTIL),
    )
    errors = signoff.exception_errors(reason=reason, until=until)
    if errors:
        blocks = {"reason": Input.EXCEPTION_REASON, "until": Input.EXCEPTION_UNTIL}
        ack(response_action="errors", errors={blocks[k]: v for k, v in errors.items()})
        return
    handoff_id, user = view_handoff(view), actor(body)
    later(
        lambda: signoff.grant_exception(
            handoff_id=handoff_id, actor=user, reason=reason, until=until
        )
    )


def reassign(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    new_owner = user_input(view, Input.NEW_OWNER)
    if new_owner is None:
        ack(response_action="errors", errors={Input.NEW_OWNER: "Pick the new owner."})
        return
    ownership, handoff_id, user = services_of(context).ownership, view_handoff(view), actor(body)
    later(lambda: ownership.reassign(handoff_id=handoff_id, actor=user, new_owner=new_owner))


def mark_ready(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    ticked = checked(view, Input.READY_CONFIRM)
    if "brief_reviewed" not in ticked:
        ack(
            response_action="errors",
            errors={Input.READY_CONFIRM: "Review the brief (View brief on the card) and tick it."},
        )
        return
    signoff, handoff_id, user = services_of(context).signoff, view_handoff(view), actor(body)
    later(
        lambda: signoff.mark_ready(
            handoff_id=handoff_id,
            actor=user,
            success_plan_reviewed="success_plan_reviewed" in ticked,
        )
    )


def record_kickoff(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    day = date_input(view, Input.KICKOFF_DAY)
    if day is None or date.fromisoformat(day) > services_of(context).today():
        ack(response_action="errors", errors={Input.KICKOFF_DAY: "Pick the day it was held."})
        return
    milestones, handoff_id, user = services_of(context).milestones, view_handoff(view), actor(body)
    held = date.fromisoformat(day)
    later(lambda: milestones.record_kickoff(handoff_id=handoff_id, actor=user, day=held))


def send_feedback(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    milestones, handoff_id, user = services_of(context).milestones, view_handoff(view), actor(body)
    answers = feedback_answers(view)
    later(lambda: milestones.submit_feedback(handoff_id=handoff_id, actor=user, answers=answers))


def schedule_sync(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    sync = services_of(context).sync_meeting
    start, minutes = datetime_input(view, Input.SYNC_START), choice(view, Input.SYNC_MINUTES)
    length = int(minutes) if minutes and minutes.isdigit() else None
    errors = sync.sync_errors(start=start, minutes=length)
    if errors:
        blocks = {"start": Input.SYNC_START, "minutes": Input.SYNC_MINUTES}
        ack(response_action="errors", errors={blocks[k]: v for k, v in errors.items()})
        return
    assert start is not None and length is not None
    handoff_id, user = view_handoff(view), actor(body)
    attendees = users_input(view, Input.SYNC_ATTENDEES)
    later(
        lambda: sync.schedule(
            handoff_id=handoff_id, actor=user, start=start, minutes=length, attendees=attendees
        )
    )


def capture_outcomes(
    body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    sync, handoff_id, user = services_of(context).sync_meeting, view_handoff(view), actor(body)
    summary = text_input(view, Input.OUTCOME_SUMMARY)
    action_items = text_input(view, Input.OUTCOME_ACTIONS)
    concerns = text_input(view, Input.OUTCOME_CONCERNS)
    later(
        lambda: sync.capture_outcomes(
            handoff_id=handoff_id,
            actor=user,
            summary=summary,
            action_items=action_items,
            concerns=concerns,
        )
    )
