"""The commitments ledger in Slack: the modal's buttons and menus, and its forms' submissions
(add, edit, split, merge, drop, the sync's review). Each acks first (a form's inline errors
are the ack) and does its work on the after-ack pool; refusals become ephemeral replies."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.blocks.commitments import (
    MOVE_STEPS,
    commitment_form,
    drop_form,
    ledger_modal,
    merge_form,
    split_form,
)
from bot.domain.commitments import CommitmentStatus
from bot.domain.errors import NotFound
from bot.handlers.payloads import actor, choice, date_input, text_input, user_input, view_handoff
from bot.handlers.routing import Later, after_ack
from bot.handlers.services import Services, services_of
from bot.slack.ids import Action, Input, View
from bot.workflow.commitments import CommitmentDraft

FORMS = {"split": split_form, "merge": merge_form, "drop": drop_form, "edit": commitment_form}


def register(app: App) -> None:
    app.action(Action.ADD_COMMITMENT)(after_ack(add_commitment))
    app.action(Action.COMMITMENT_MENU)(after_ack(commitment_menu))
    app.view(View.COMMITMENT_FORM)(after_ack(save_commitment))
    app.view(View.COMMITMENT_SPLIT)(after_ack(split_commitment))
    app.view(View.COMMITMENT_MERGE)(after_ack(merge_commitments))
    app.view(View.COMMITMENT_DROP)(after_ack(drop_commitment))
    app.view(View.COMMITMENT_REVIEW)(after_ack(review_commitments))


def _commitment_id(view: dict[str, Any]) -> int | None:
    value = json.loads(view["private_metadata"]).get("commitment_id")
    return int(value) if value else None


def _then_show_ledger(
    later: Later,
    change: Callable[[], object],
    *,
    client: WebClient,
    view: dict[str, Any],
    services: Services,
) -> None:
    """After the ack: make the change, then show the ledger modal under the submitted form as
    it is now."""

    def job() -> None:
        change()
        previous = view.get("previous_view_id")
        if previous:
            card = services.handoffs.card(handoff_id=view_handoff(view))
            client.views_update(view_id=previous, view=ledger_modal(card))

    later(job)


def add_commitment(
    body: dict[str, Any], client: WebClient, context: BoltContext, later: Later
) -> None:
    services, user = services_of(context), actor(body)
    handoff_id = int(body["actions"][0]["value"])

    def open_form() -> None:
        services.commitments.authorize_ledger(handoff_id=handoff_id, actor=user)
        card = services.handoffs.card(handoff_id=handoff_id)
        client.views_push(trigger_id=body["trigger_id"], view=commitment_form(card))

    later(open_form)


def commitment_menu(
    body: dict[str, Any], client: WebClient, context: BoltContext, later: Later
) -> None:
    """A step chosen on one commitment: a move happens now (the modal is redrawn), the
    others open their form on top of the ledger."""
    services, view, user = services_of(context), body["view"], actor(body)
    step, _, raw = str(body["actions"][0]["selected_option"]["value"]).partition(":")
    if not raw.isdigit():
        raise NotFound("That menu item is no longer offered; open Commitments again.")
    commitment_id = int(raw)

    def act() -> None:
        if step in MOVE_STEPS:
            services.commitments.move(commitment_id=commitment_id, actor=user, to=MOVE_STEPS[step])
            card = services.handoffs.card(handoff_id=view_handoff(view))
            client.views_update(view_id=view["id"], hash=view.get("hash"), view=ledger_modal(card))
            return
        card = services.handoffs.card(handoff_id=view_handoff(view))
        found = next((c for c in card.commitments if c.id == commitment_id), None)
        if found is None or step not in FORMS:
            raise NotFound("That commitment no longer exists; open Commitments again.")
        services.commitments.authorize_ledger(handoff_id=card.handoff_id, actor=user)
        client.views_push(trigger_id=body["trigger_id"], view=FORMS[step](card, found))

    later(act)


def save_commitment(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    later: Later,
) -> None:
    services, user = services_of(context), actor(body)
    due = date_input(view, Input.COMMITMENT_DUE)
    draft = CommitmentDraft(
        text=text_input(view, Input.COMMITMENT_TEXT),
        promised_by=text_input(view, Input.COMMITMENT_BY).strip() or None,
        promised_to=text_input(view, Input.COMMITMENT_TO).strip() or None,
        due_on=date.fromisoformat(due) if due else None,
        owner_slack_id=user_input(view, Input.COMMITMENT_OWNER),
    )
    errors = services.commitments.draft_errors(draft)
    if errors:
        blocks = {"text": Input.COMMITMENT_TEXT, "by": Input.COMMITMENT_BY}
        blocks["to"] = Input.COMMITMENT_TO
        ack(response_action="errors", errors={blocks[k]: v for k, v in errors.items()})
        return
    commitment_id = _commitment_id(view)

    def save() -> None:
        if commitment_id is None:
            services.commitments.add(handoff_id=view_handoff(view), actor=user, draft=draft)
        else:
            services.commitments.edit(commitment_id=commitment_id, actor=user, draft=draft)

    _then_show_ledger(later, save, client=client, view=view, services=services)


def split_commitment(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    later: Later,
) -> None:
    parts = [p for p in text_input(view, Input.COMMITMENT_PARTS).splitlines() if p.strip()]
    if len(parts) < 2:
        message = "Put each commitment on its own line: at least two lines."
        ack(response_action="errors", errors={Input.COMMITMENT_PARTS: message})
        return
    services, commitment_id, user = services_of(context), _commitment_id(view), actor(body)
    assert commitment_id is not None

    _then_show_ledger(
        later,
        lambda: services.commitments.split(commitment_id=commitment_id, actor=user, parts=parts),
        client=client, view=view, services=services,
    )  # fmt: skip


def merge_commitments(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    later: Later,
) -> None:
    state = view["state"]["values"].get(Input.COMMITMENT_MERGE_WITH, {}).get(Input.VALUE, {})
    others = [int(o["value"]) for o in state.get("selected_options") or []]
    if not others:
        message = "Pick the commitments that are the same promise."
        ack(response_action="errors", errors={Input.COMMITMENT_MERGE_WITH: message})
        return
    services, commitment_id, user = services_of(context), _commitment_id(view), actor(body)
    assert commitment_id is not None
    text = text_input(view, Input.COMMITMENT_TEXT)

    def merge() -> None:
        services.commitments.merge(commitment_ids=[commitment_id, *others], actor=user, text=text)

    _then_show_ledger(later, merge, client=client, view=view, services=services)


def drop_commitment(
    ack: Ack,
    body: dict[str, Any],
    view: dict[str, Any],
    client: WebClient,
    context: BoltContext,
    later: Later,
) -> None:
    reason = text_input(view, Input.COMMITMENT_REASON).strip()
    if len(reason) < 3:
        message = "Say why it is dropped; the AE and the CRM see the reason."
        ack(response_action="errors", errors={Input.COMMITMENT_REASON: message})
        return
    services, commitment_id, user = services_of(context), _commitment_id(view), actor(body)
    assert commitment_id is not None

    def drop() -> None:
        services.commitments.move(
            commitment_id=commitment_id, actor=user, to=CommitmentStatus.DROPPED, reason=reason
        )

    _then_show_ledger(later, drop, client=client, view=view, services=services)


def review_commitments(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, later: Later
) -> None:
    """The sync's review: a decision on each proposed commitment, a reason for each drop."""
    commitments, user = services_of(context).commitments, actor(body)
    decisions: dict[int, tuple[str, str | None]] = {}
    for block_id in view["state"]["values"]:
        if block_id.startswith(Input.REVIEW_DECISION):
            cid = int(block_id.removeprefix(Input.REVIEW_DECISION))
            reason = text_input(view, f"{Input.REVIEW_REASON}{cid}").strip() or None
            decision = choice(view, block_id)
            if decision:
                decisions[cid] = (decision, reason)
    errors = commitments.review_errors(decisions)
    if errors:
        ack(
            response_action="errors",
            errors={f"{Input.REVIEW_REASON}{cid}": text for cid, text in errors.items()},
        )
        return
    handoff_id = view_handoff(view)
    later(lambda: commitments.review(handoff_id=handoff_id, actor=user, decisions=decisions))
