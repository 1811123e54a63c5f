"""Buttons on the handoff card and in the App Home: ack at once, then one service call on the
after-ack pool (``later``, see ``bot/handlers/routing.py``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.blocks.brief import brief_modal
from bot.blocks.commitments import ledger_modal, review_modal
from bot.blocks.feedback import feedback_modal, kickoff_modal
from bot.blocks.modals import (
    details_saved_modal,
    exception_modal,
    fields_modal,
    ready_modal,
    reassign_modal,
)
from bot.blocks.suggestions import with_suggestions
from bot.blocks.sync_meeting import outcomes_modal, sync_modal
from bot.blocks.text import slack_date
from bot.config.playbook import FieldSpec
from bot.domain.permissions import Permission
from bot.domain.read_models import HandoffCard
from bot.handlers.payloads import actor, clicked_action, clicked_handoff, field_values, view_handoff
from bot.handlers.routing import Later, Listener, after_ack
from bot.handlers.services import Services, services_of
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


def ledger_access(services: Services, handoff_id: int, user: str) -> HandoffCard:
    services.commitments.authorize_ledger(handoff_id=handoff_id, actor=user)
    return services.handoffs.card(handoff_id=handoff_id)


def sync_attendees(card: HandoffCard, services: Services) -> dict[str, Any]:
    # The picker starts with the AE, the owner and a reviewer (user groups expanded).
    return sync_modal(card, services.sync_meeting.suggested_attendees(card))


def typed_fields(card: HandoffCard, services: Services) -> list[FieldSpec]:
    """The fields the details modal asks for: all but the commitments ledger's summary once
    the ledger is in use (it writes that field; the Commitments modal edits it)."""
    playbook = services.playbook
    summary = playbook.commitments.summary_for(playbook.field_types)
    return [s for s in playbook.fields if not (card.commitments and s.key == summary)]


def details_modal(card: HandoffCard, services: Services) -> dict[str, Any]:
    offered = services.suggestions.for_modal(handoff_id=card.handoff_id)
    return with_suggestions(fields_modal(card, typed_fields(card, services)), card, offered)


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
    Action.COMMITMENTS: (ledger_access, lambda card, _: ledger_modal(card)),
    Action.REVIEW_COMMITMENTS: (
        allowed_to(Permission.REVIEW_COMMITMENTS),
        lambda card, _: review_modal(card),
    ),
}


def register(app: App) -> None:
    app.action(Action.OPEN_CRM_RECORD)(acknowledge_link)
    for action, listener in listeners().items():
        app.action(action)(after_ack(listener))
    # The card's overflow menu reaches the same listeners as the buttons.
    app.action(Action.CARD_MENU)(after_ack(card_menu))
    app.action(Action.SAVE_DRAFT)(after_ack(save_draft))


def listeners() -> dict[Action, Listener]:
    """The listener of each action, whether clicked as a button or chosen from a menu."""
    return {
        **dict.fromkeys(MODALS, open_modal),
        Action.CLAIM: claim,
        Action.RELEASE: release,
        Action.FIRST_VALUE: first_value,
        Action.ONBOARDING_DONE: onboarding_done,
        Action.NUDGE_SNOOZE: snooze,
        Action.NUDGE_ACK: acknowledge,
    }


def card_menu(
    ack: Ack,
    body: dict[str, Any],
    client: WebClient,
    respond: Respond,
    context: BoltContext,
    later: Later,
) -> None:
    listener = listeners().get(Action(clicked_action(body)))
    if listener is None:
        ack()
        return  # an option this release no longer offers: nothing to do
    offered = {
        "ack": ack,
        "body": body,
        "client": client,
        "respond": respond,
        "context": context,
        "later": later,
    }
    wanted = inspect.signature(listener).parameters
    listener(**{name: value for name, value in offered.items() if name in wanted})


def acknowledge_link(ack: Ack) -> None:
    # A URL button still sends an interaction; Slack shows a warning unless it is acked.
    ack()


def open_modal(body: dict[str, Any], client: WebClient, context: BoltContext, later: Later) -> None:
    services = services_of(context)
    authorize, build = MODALS[Action(clicked_action(body))]
    handoff_id, user = clicked_handoff(body), actor(body)

    def open_it() -> None:
        card = authorize(services, handoff_id, user)
        client.views_open(trigger_id=body["trigger_id"], view=build(card, services))

    later(open_it)


def claim(body: dict[str, Any], context: BoltContext, later: Later) -> None:
    _on_clicked_handoff(body, later, services_of(context).ownership.claim)


def release(body: dict[str, Any], context: BoltContext, later: Later) -> None:
    _on_clicked_handoff(body, later, services_of(context).ownership.release)


def snooze(body: dict[str, Any], respond: Respond, context: BoltContext, later: Later) -> None:
    sla, handoff_id, user = services_of(context).sla, clicked_handoff(body), actor(body)

    def snooze_it() -> None:
        until = sla.snooze(handoff_id=handoff_id, actor=user)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=f":zzz: Snoozed. The next reminder comes {slack_date(until)}.",
        )

    later(snooze_it)


def acknowledge(body: dict[str, Any], respond: Respond, context: BoltContext, later: Later) -> None:
    sla, handoff_id, user = services_of(context).sla, clicked_handoff(body), actor(body)

    def acknowledge_it() -> None:
        sla.acknowledge(handoff_id=handoff_id, actor=user)
        respond(
            response_type="ephemeral",
            replace_original=False,
            text=":thumbsup: Thanks — noted in the card's thread.",
        )

    later(acknowledge_it)


def first_value(body: dict[str, Any], context: BoltContext, later: Later) -> None:
    _on_clicked_handoff(body, later, services_of(context).milestones.record_first_value)


def onboarding_done(body: dict[str, Any], context: BoltContext, later: Later) -> None:
    _on_clicked_handoff(body, later, services_of(context).milestones.record_onboarding_done)


def _on_clicked_handoff(body: dict[str, Any], later: Later, act: Callable[..., object]) -> None:
    """After the ack, ``act(handoff_id=…, actor=…)`` on the card whose button was clicked."""
    handoff_id, user = clicked_handoff(body), actor(body)

    def act_on_it() -> None:
        act(handoff_id=handoff_id, actor=user)

    later(act_on_it)


def save_draft(body: dict[str, Any], client: WebClient, context: BoltContext, later: Later) -> None:
    """*Save what I have* in the details modal: a partial record, checked like a submission;
    the modal then shows what was saved and what is still required."""
    services, view = services_of(context), body["view"]
    handoff_id, values, user = view_handoff(view), field_values(view), actor(body)

    def save_it() -> None:
        errors = services.details.field_errors(handoff_id=handoff_id, values=values)
        if not errors:
            services.details.save_fields(handoff_id=handoff_id, actor=user, values=values)
        card = services.handoffs.card(handoff_id=handoff_id)
        shown = (
            fields_modal(card, typed_fields(card, services), errors=errors)
            if errors
            else details_saved_modal(card)
        )
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=shown)

    later(save_it)
