"""The card's row of actions: the next step as the one primary button, the common steps as
buttons (five at most), and the rarer ones (reassign, release, an exception, later
milestones) in an overflow menu whose options carry the action and the handoff."""

from __future__ import annotations

from slack_sdk.models.blocks import ButtonElement, OverflowMenuElement
from slack_sdk.models.blocks.basic_components import Option

from bot.domain.read_models import HandoffCard, HandoffStatus
from bot.slack.ids import Action, menu_option_value

MAX_BUTTONS = 5
LABELS: dict[Action, str] = {
    Action.ADD_DETAILS: "Add details",
    Action.CLAIM: "Claim",
    Action.REASSIGN: "Reassign",
    Action.RELEASE: "Release",
    Action.GRANT_EXCEPTION: "Grant exception",
    Action.MARK_READY: "Mark ready",
    Action.SCHEDULE_SYNC: "Schedule sync",
    Action.CAPTURE_OUTCOMES: "Capture outcomes",
    Action.KICKOFF_HELD: "Kickoff held",
    Action.FIRST_VALUE: "First value reached",
    Action.ONBOARDING_DONE: "Onboarding complete",
    Action.VIEW_BRIEF: "View brief",
    Action.COMMITMENTS: "Commitments",
    Action.REVIEW_COMMITMENTS: "Review commitments",
}
LIVE = (HandoffStatus.UPCOMING, HandoffStatus.HELD, HandoffStatus.OPEN)


def next_step(card: HandoffCard) -> Action | None:
    """What moves this handoff on now: the card's one primary button."""
    unowned = card.owner_slack_id is None
    if card.status is HandoffStatus.UPCOMING:
        return Action.CLAIM if unowned else None
    if card.status is HandoffStatus.HELD:
        return Action.ADD_DETAILS
    if card.status is HandoffStatus.OPEN:
        if unowned:
            return Action.CLAIM
        # Mark ready waits until every commitment is reviewed (or an exception).
        return Action.REVIEW_COMMITMENTS if card.proposed_commitments else Action.MARK_READY
    if card.status is HandoffStatus.READY:
        return _sync_step(card) or (Action.KICKOFF_HELD if card.kickoff_at is None else None)
    return None


def _sync_step(card: HandoffCard) -> Action | None:
    if card.kickoff_at is not None:
        return None  # the customer kickoff happened: a handoff sync is moot
    if card.sync_at is None:
        return Action.SCHEDULE_SYNC
    return Action.CAPTURE_OUTCOMES if card.sync_outcomes is None else None


def button_steps(card: HandoffCard) -> list[Action]:
    """The buttons, primary first; View brief last (the CRM link follows it)."""
    steps: list[Action] = []
    if card.status in (HandoffStatus.HELD, HandoffStatus.OPEN):
        steps.append(Action.ADD_DETAILS)
    if card.status in LIVE and card.owner_slack_id is None:
        steps.append(Action.CLAIM)
    if card.status in (HandoffStatus.OPEN, HandoffStatus.READY):
        steps += [step for step in (_sync_step(card),) if step]
    primary = next_step(card)
    if primary is not None:
        steps = [primary, *[step for step in steps if step is not primary]]
    if card.status is not HandoffStatus.CANCELLED:
        steps.append(Action.VIEW_BRIEF)
    return steps


def menu_steps(card: HandoffCard) -> list[Action]:
    """The rarer steps, behind the overflow menu."""
    steps: list[Action] = []
    # An exception covers missing fields, and commitments nobody reviewed yet.
    unreviewed = card.status is HandoffStatus.OPEN and bool(card.proposed_commitments)
    if (card.status is HandoffStatus.HELD or unreviewed) and card.exception is None:
        steps.append(Action.GRANT_EXCEPTION)
    if card.owner_slack_id and card.status in (*LIVE, HandoffStatus.READY):
        steps.append(Action.REASSIGN)
        if card.status in LIVE:
            steps.append(Action.RELEASE)
    if card.status is HandoffStatus.READY:
        if card.kickoff_at is None:
            steps.append(Action.KICKOFF_HELD)
        elif card.first_value_at is None:
            steps.append(Action.FIRST_VALUE)
        elif card.onboarding_done_at is None:
            steps.append(Action.ONBOARDING_DONE)
    if card.status is not HandoffStatus.CANCELLED:
        steps.append(Action.COMMITMENTS)
    shown = set(button_steps(card))
    return [step for step in steps if step not in shown]


def card_elements(card: HandoffCard) -> list[ButtonElement | OverflowMenuElement]:
    value = str(card.handoff_id)
    primary = next_step(card)
    elements: list[ButtonElement | OverflowMenuElement] = [
        ButtonElement(
            text=LABELS[step],
            action_id=step,
            value=value,
            style="primary" if step is primary else None,
        )
        for step in button_steps(card)
    ]
    if card.deal_url:
        elements.append(
            ButtonElement(text="Open in CRM", action_id=Action.OPEN_CRM_RECORD, url=card.deal_url)
        )
    menu = menu_steps(card)
    if menu:
        elements.append(
            OverflowMenuElement(
                action_id=Action.CARD_MENU,
                options=[
                    Option(value=menu_option_value(step, card.handoff_id), text=LABELS[step])
                    for step in menu
                ],
            )
        )
    return elements
