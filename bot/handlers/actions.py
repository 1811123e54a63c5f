"""Buttons on the handoff card and in the App Home: ack first, then one service call."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.brief import brief_modal
from bot.blocks.feedback import feedback_modal, kickoff_modal
from bot.blocks.modals import exception_modal, fields_modal, ready_modal, reassign_modal
from bot.blocks.sync_meeting import outcomes_modal, sync_modal
from bot.blocks.text import slack_date
from bot.domain.permissions import Permission
from bot.handlers.payloads import actor, clicked_handoff
from bot.handlers.routing import after_ack
from bot.handlers.services import Services
from bot.slack.ids import Action


def register(app: App) -> None:
    app.action(Action.OPEN_CRM_RECORD)(acknowledge_link)
    app.action(Action.ADD_DETAILS)(after_ack(open_fields))
    app.action(Action.CLAIM)(after_ack(claim))
    app.action(Action.REASSIGN)(after_ack(open_reassign))
    app.action(Action.RELEASE)(after_ack(release))
    app.action(Action.GRANT_EXCEPTION)(after_ack(open_exception))
    app.action(Action.VIEW_BRIEF)(after_ack(open_brief))
    app.action(Action.MARK_READY)(after_ack(open_ready))
    app.action(Action.KICKOFF_HELD)(after_ack(open_kickoff))
    app.action(Action.FIRST_VALUE)(after_ack(first_value))
    app.action(Action.ONBOARDING_DONE)(after_ack(onboarding_done))
    app.action(Action.WRITE_FEEDBACK)(after_ack(open_feedback))
    app.action(Action.SCHEDULE_SYNC)(after_ack(open_sync))
    app.action(Action.CAPTURE_OUTCOMES)(after_ack(open_outcomes))
    app.action(Action.NUDGE_SNOOZE)(after_ack(snooze))
    app.action(Action.NUDGE_ACK)(after_ack(acknowledge))


def acknowledge_link(ack: Ack) -> None:
    # A URL button still sends an interaction; Slack shows a warning unless it is acked.
    ack()


def _services(context: BoltContext) -> Services:
    services: Services = context["services"]
    return services


def open_fields(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services = _services(context)
    card = services.workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.ADD_DETAILS
    )
    client.views_open(
        trigger_id=body["trigger_id"], view=fields_modal(card, services.playbook.fields)
    )


def claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).workflow.claim(handoff_id=clicked_handoff(body), actor=actor(body))


def open_reassign(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.REASSIGN
    )
    client.views_open(trigger_id=body["trigger_id"], view=reassign_modal(card))


def release(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).workflow.release(handoff_id=clicked_handoff(body), actor=actor(body))


def open_exception(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.GRANT_EXCEPTION
    )
    client.views_open(trigger_id=body["trigger_id"], view=exception_modal(card))


def open_brief(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).workflow.card(handoff_id=clicked_handoff(body))
    client.views_open(trigger_id=body["trigger_id"], view=brief_modal(card))


def open_ready(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).signoff.authorize_ready(
        handoff_id=clicked_handoff(body), actor=actor(body)
    )
    client.views_open(trigger_id=body["trigger_id"], view=ready_modal(card))


def snooze(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    until = _services(context).sla.snooze(handoff_id=clicked_handoff(body), actor=actor(body))
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=f":zzz: Snoozed. The next reminder comes {slack_date(until)}.",
    )


def acknowledge(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    ack()
    _services(context).sla.acknowledge(handoff_id=clicked_handoff(body), actor=actor(body))
    respond(
        response_type="ephemeral",
        replace_original=False,
        text=":thumbsup: Thanks — noted in the card's thread.",
    )


def open_kickoff(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services = _services(context)
    card = services.workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.RECORD_MILESTONE
    )
    client.views_open(trigger_id=body["trigger_id"], view=kickoff_modal(card, services.today()))


def first_value(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).milestones.record_first_value(
        handoff_id=clicked_handoff(body), actor=actor(body)
    )


def onboarding_done(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).milestones.record_onboarding_done(
        handoff_id=clicked_handoff(body), actor=actor(body)
    )


def open_feedback(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.RECORD_MILESTONE
    )
    client.views_open(trigger_id=body["trigger_id"], view=feedback_modal(card))


def open_sync(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services = _services(context)
    card = services.workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.SCHEDULE_SYNC
    )
    reviewers = [r for r in services.playbook.team.reviewers if not r.startswith("@")][:1]
    people = [p for p in (card.ae_slack_id, card.owner_slack_id, *reviewers) if p]
    client.views_open(trigger_id=body["trigger_id"], view=sync_modal(card, people))


def open_outcomes(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    card = _services(context).workflow.authorize(
        handoff_id=clicked_handoff(body), actor=actor(body), permission=Permission.CAPTURE_OUTCOMES
    )
    client.views_open(trigger_id=body["trigger_id"], view=outcomes_modal(card))
