"""Buttons on the handoff card and in the App Home: ack first, then one service call."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.brief import brief_modal
from bot.blocks.feedback import feedback_modal, kickoff_modal
from bot.blocks.modals import exception_modal, fields_modal, ready_modal, reassign_modal
from bot.blocks.suggestions import with_suggestions
from bot.blocks.sync_meeting import outcomes_modal, sync_modal
from bot.blocks.text import slack_date
from bot.domain.permissions import Permission
from bot.domain.read_models import HandoffCard
from bot.handlers.payloads import actor, clicked_action, clicked_handoff
from bot.handlers.routing import after_ack
from bot.handlers.services import Services
from bot.slack.ids import Action

# Who may open a modal (checked before it opens, so a refused click opens nothing) ...
Authorize = Callable[[Services, int, str], HandoffCard]
# ... and what it shows.
BuildModal = Callable[[HandoffCard, Services], dict[str, Any]]


def allowed_to(permission: Permission) -> Authorize:
    def authorize(services: Services, handoff_id: int, user: str) -> HandoffCard:
        return services.handoffs.authorize(handoff_id=handoff_id, actor=user, permission=permission)

    return authorize


def anyone(services: Services, handoff_id: int, _user: str) -> HandoffCard:
    return services.handoffs.card(handoff_id=handoff_id)


def ready_for_sign_off(services: Services, handoff_id: int, user: str) -> HandoffCard:
    return services.signoff.authorize_ready(handoff_id=handoff_id, actor=user)


def sync_attendees(card: HandoffCard, services: Services) -> dict[str, Any]:
    reviewers = [r for r in services.playbook.team.reviewers if not r.startswith("@")][:1]
    people = [p for p in (card.ae_slack_id, card.owner_slack_id, *reviewers) if p]
    return sync_modal(card, people)


def details_modal(card: HandoffCard, services: Services) -> dict[str, Any]:
    offered = services.suggestions.for_modal(handoff_id=card.handoff_id)
    return with_suggestions(fields_modal(card, services.playbook.fields), card, offered)


MODALS: dict[Action, tuple[Authorize, BuildModal]] = {
    Action.ADD_DETAILS: (allowed_to(Permission.ADD_DETAILS), details_modal),
    Action.REASSIGN: (allowed_to(Permission.REASSIGN), lambda card, _: reassign_modal(card)),
    Action.GRANT_EXCEPTION: (
        allowed_to(Permission.GRANT_EXCEPTION),
        lambda card, _: exception_modal(card),
    ),
    Action.VIEW_BRIEF: (anyone, lambda card, _: brief_modal(card)),
    Action.MARK_READY: (ready_for_sign_off, lambda card, _: ready_modal(card)),
    Action.KICKOFF_HELD: (
        allowed_to(Permission.RECORD_MILESTONE),
        lambda card, services: kickoff_modal(card, services.today()),
    ),
    Action.WRITE_FEEDBACK: (
        allowed_to(Permission.RECORD_MILESTONE),
        lambda card, _: feedback_modal(card),
    ),
    Action.SCHEDULE_SYNC: (allowed_to(Permission.SCHEDULE_SYNC), sync_attendees),
    Action.CAPTURE_OUTCOMES: (
        allowed_to(Permission.CAPTURE_OUTCOMES),
        lambda card, _: outcomes_modal(card),
    ),
}


def register(app: App) -> None:
    app.action(Action.OPEN_CRM_RECORD)(acknowledge_link)
    for action in MODALS:
        app.action(action)(after_ack(open_modal))
    app.action(Action.CLAIM)(after_ack(claim))
    app.action(Action.RELEASE)(after_ack(release))
    app.action(Action.FIRST_VALUE)(after_ack(first_value))
    app.action(Action.ONBOARDING_DONE)(after_ack(onboarding_done))
    app.action(Action.NUDGE_SNOOZE)(after_ack(snooze))
    app.action(Action.NUDGE_ACK)(after_ack(acknowledge))


def acknowledge_link(ack: Ack) -> None:
    # A URL button still sends an interaction; Slack shows a warning unless it is acked.
    ack()


def _services(context: BoltContext) -> Services:
    services: Services = context["services"]
    return services


def open_modal(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
    ack()
    services = _services(context)
    authorize, build = MODALS[Action(clicked_action(body))]
    card = authorize(services, clicked_handoff(body), actor(body))
    client.views_open(trigger_id=body["trigger_id"], view=build(card, services))


def claim(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).ownership.claim(handoff_id=clicked_handoff(body), actor=actor(body))


def release(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
    ack()
    _services(context).ownership.release(handoff_id=clicked_handoff(body), actor=actor(body))


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
