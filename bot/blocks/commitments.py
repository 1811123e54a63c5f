"""The commitments ledger's Block Kit: the Commitments modal (a list with a menu on each
commitment), its forms (add/edit, split, merge, drop), the sync's review, one-line texts."""

from __future__ import annotations

import json

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    OverflowMenuElement,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    StaticMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.provenance import day
from bot.blocks.text import escape, truncate
from bot.domain.commitments import MOVES, CommitmentSource, CommitmentStatus, CommitmentView
from bot.domain.read_models import HandoffCard
from bot.slack.ids import Action, Input
from bot.slack.ids import View as ViewId

MARKERS = {
    CommitmentStatus.PROPOSED: ":grey_question:",
    CommitmentStatus.CONFIRMED: ":white_check_mark:",
    CommitmentStatus.DELIVERED: ":package:",
    CommitmentStatus.DROPPED: ":heavy_minus_sign:",
    CommitmentStatus.AT_RISK: ":warning:",
}
# The menu on each commitment in the modal: its value is "<step>:<commitment id>".
STEPS = {
    "edit": "Edit",
    "split": "Split",
    "merge": "Merge with…",
    "confirm": "Confirm",
    "drop": "Drop…",
    "delivered": "Mark delivered",
    "at_risk": "Mark at risk",
}
MOVE_STEPS = {
    "confirm": CommitmentStatus.CONFIRMED,
    "delivered": CommitmentStatus.DELIVERED,
    "at_risk": CommitmentStatus.AT_RISK,
}


def _due(view: CommitmentView) -> str:
    if view.due_on is None:
        return ""
    # A calendar date, not a moment: every reader sees the same day.
    late = " — *overdue*" if view.past_due else ""
    return f", due {day(view.due_on)}{late}"


def commitment_line(view: CommitmentView) -> str:
    """One commitment: status, what, who to whom, by when, who owns it."""
    sides = ""
    if view.promised_by or view.promised_to:
        sides = f" ({escape(view.promised_by or '?')} → {escape(view.promised_to or '?')})"
    owner = f", owner <@{view.owner_slack_id}>" if view.owner_slack_id else ""
    text = f"{MARKERS[view.status]} *{escape(truncate(view.text, 300))}*{sides}{_due(view)}"
    return f"{text}{owner} · _{view.label}_"


def source_line(view: CommitmentView) -> str:
    if view.source_kind is CommitmentSource.ENTERED:
        return f"Entered by <@{view.entered_by}>" if view.entered_by else "Entered in Slack"
    quote = f"“{escape(truncate(view.source_quote or '', 300))}”" if view.source_quote else ""
    link = f" <{view.source_url}|source>" if view.source_url else ""
    return f"From the deal's calls and channel: {quote}{link}".strip()


def _metadata(card: HandoffCard, **extra: object) -> str:
    return json.dumps({"handoff_id": card.handoff_id, **extra})


def _view(
    callback: ViewId, title: str, metadata: str, blocks: list[Block], submit: str | None
) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Close" if submit is None else "Cancel",
        private_metadata=metadata,
        blocks=blocks,
    )
    view.validate_json()
    return view.to_dict()


def _steps(view: CommitmentView) -> list[str]:
    steps = ["edit"] if MOVES[view.status] else []
    if view.status is CommitmentStatus.PROPOSED:
        steps += ["split", "merge", "confirm"]
    steps += [s for s, to in MOVE_STEPS.items() if to in MOVES[view.status] and s != "confirm"]
    if CommitmentStatus.DROPPED in MOVES[view.status]:
        steps.append("drop")
    return steps


def ledger_modal(card: HandoffCard) -> dict[str, object]:
    """Every commitment of the handoff with its source, and a menu of what can happen next."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(truncate(card.deal_name, 200))}*: what was promised in the "
                "sale. The AE proposes; at the handoff sync the owner confirms or drops each."
            )
        )
    ]
    for view in card.commitments[:40]:
        steps = _steps(view)
        menu = (
            OverflowMenuElement(
                action_id=Action.COMMITMENT_MENU,
                options=[Option(value=f"{s}:{view.id}", text=STEPS[s]) for s in steps],
            )
            if steps
            else None
        )
        blocks.append(
            SectionBlock(
                block_id=f"commitment:{view.id}",
                text=MarkdownTextObject(text=truncate(commitment_line(view), 3000)),
                accessory=menu,
            )
        )
        why = f" · dropped: {escape(view.drop_reason)}" if view.drop_reason else ""
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=truncate(source_line(view) + why, 2000))]
            )
        )
    if not card.commitments:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="_No commitment recorded yet._")])
        )
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Add a commitment",
                    action_id=Action.ADD_COMMITMENT,
                    value=str(card.handoff_id),
                    style="primary",
                )
            ]
        )
    )
    return _view(ViewId.COMMITMENTS, "Commitments", _metadata(card), blocks, None)


def commitment_form(card: HandoffCard, view: CommitmentView | None = None) -> dict[str, object]:
    """Add a commitment, or edit one (``view``)."""

    def text(block_id: Input, label: str, value: str | None, optional: bool = True) -> InputBlock:
        return InputBlock(
            block_id=block_id,
            label=label,
            optional=optional,
            element=PlainTextInputElement(
                action_id=Input.VALUE,
                initial_value=value or None,
                max_length=500 if block_id is Input.COMMITMENT_TEXT else 200,
                multiline=block_id is Input.COMMITMENT_TEXT,
            ),
        )

    owner = view.owner_slack_id if view else card.owner_slack_id
    blocks: list[Block] = [
        text(Input.COMMITMENT_TEXT, "What was promised", view.text if view else None, False),
        text(Input.COMMITMENT_BY, "Promised by (our side)", view.promised_by if view else None),
        text(
            Input.COMMITMENT_TO,
            "Promised to (the customer's side)",
            view.promised_to if view else card.account_name,
        ),
        InputBlock(
            block_id=Input.COMMITMENT_DUE,
            label="Due",
            optional=True,
            element=DatePickerElement(
                action_id=Input.VALUE,
                initial_date=view.due_on.isoformat() if view and view.due_on else None,
            ),
        ),
        InputBlock(
            block_id=Input.COMMITMENT_OWNER,
            label="Owner on the CS side",
            optional=True,
            element=UserSelectElement(action_id=Input.VALUE, initial_user=owner),
        ),
    ]
    meta = _metadata(card, commitment_id=view.id if view else None)
    title = "Edit commitment" if view else "Add a commitment"
    return _view(ViewId.COMMITMENT_FORM, title, meta, blocks, "Save")


def split_form(card: HandoffCard, view: CommitmentView) -> dict[str, object]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=commitment_line(view))),
        InputBlock(
            block_id=Input.COMMITMENT_PARTS,
            label="One commitment per line",
            element=PlainTextInputElement(
                action_id=Input.VALUE, multiline=True, initial_value=view.text, max_length=2000
            ),
        ),
    ]
    meta = _metadata(card, commitment_id=view.id)
    return _view(ViewId.COMMITMENT_SPLIT, "Split commitment", meta, blocks, "Split")


def merge_form(card: HandoffCard, view: CommitmentView) -> dict[str, object]:
    others = [
        c for c in card.commitments if c.status is CommitmentStatus.PROPOSED and c.id != view.id
    ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=commitment_line(view)))]
    if others:
        blocks.append(
            InputBlock(
                block_id=Input.COMMITMENT_MERGE_WITH,
                label="The same promise as",
                element=StaticMultiSelectElement(
                    action_id=Input.VALUE,
                    options=[Option(value=str(c.id), text=truncate(c.text, 75)) for c in others],
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=Input.COMMITMENT_TEXT,
            label="Merged wording",
            element=PlainTextInputElement(
                action_id=Input.VALUE, multiline=True, initial_value=view.text, max_length=500
            ),
        )
    )
    meta = _metadata(card, commitment_id=view.id)
    return _view(ViewId.COMMITMENT_MERGE, "Merge commitments", meta, blocks, "Merge")


def drop_form(card: HandoffCard, view: CommitmentView) -> dict[str, object]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=commitment_line(view))),
        InputBlock(
            block_id=Input.COMMITMENT_REASON,
            label="Why is it dropped?",
            element=PlainTextInputElement(action_id=Input.VALUE, max_length=500),
        ),
    ]
    meta = _metadata(card, commitment_id=view.id)
    return _view(ViewId.COMMITMENT_DROP, "Drop commitment", meta, blocks, "Drop")


def review_modal(card: HandoffCard) -> dict[str, object]:
    """The sync's review: confirm or drop each proposed commitment (a reason for a drop)."""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Only confirmed commitments count as this handoff's promises. Confirm "
                "each one the CS team will keep, or drop it and say why."
            )
        )
    ]
    for view in card.proposed_commitments[:20]:
        blocks += [
            SectionBlock(text=MarkdownTextObject(text=truncate(commitment_line(view), 3000))),
            ContextBlock(elements=[MarkdownTextObject(text=truncate(source_line(view), 2000))]),
            InputBlock(
                block_id=f"{Input.REVIEW_DECISION}{view.id}",
                label="Decision",
                element=RadioButtonsElement(
                    action_id=Input.VALUE,
                    options=[
                        Option(value="confirm", text="Confirm"),
                        Option(value="drop", text="Drop"),
                    ],
                ),
            ),
            InputBlock(
                block_id=f"{Input.REVIEW_REASON}{view.id}",
                label="Why dropped",
                optional=True,
                element=PlainTextInputElement(action_id=Input.VALUE, max_length=500),
            ),
        ]
    if not card.proposed_commitments:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="_Every commitment is reviewed._")])
        )
    submit = "Save" if card.proposed_commitments else None
    return _view(ViewId.COMMITMENT_REVIEW, "Review commitments", _metadata(card), blocks, submit)


def agenda_commitments(card: HandoffCard) -> str:
    """The agenda's list of commitments to review at the sync."""
    proposed = card.proposed_commitments
    if not proposed:
        return ""
    lines = "\n".join(f"• {commitment_line(view)}" for view in proposed[:20])
    return f"*Commitments to confirm or drop*\n{lines}"


def review_button(card: HandoffCard) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                text="Review commitments",
                action_id=Action.REVIEW_COMMITMENTS,
                value=str(card.handoff_id),
                style="primary",
            )
        ]
    )
