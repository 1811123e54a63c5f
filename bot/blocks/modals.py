"""Modals people fill in: the handoff fields, an exception, a reassignment, the sign-off."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.blocks.card import checklist
from bot.blocks.text import DONE, escape, truncate
from bot.config.playbook import FieldSpec, FieldType
from bot.domain.read_models import FieldLine, HandoffCard
from bot.slack.ids import Action, BlockId, Input
from bot.slack.ids import View as ViewId

FIELD_BLOCK_PREFIX = "field:"
MAX_INPUT = 3000
PLACEHOLDERS = {
    FieldType.CONTACTS: "Name, title, email — one person per line",
    FieldType.URLS: "One link per line (https://…)",
    FieldType.LONG_TEXT: "What the customer told us, in their words",
}


def private_metadata(card: HandoffCard) -> str:
    return json.dumps({"handoff_id": card.handoff_id})


def fields_modal(
    card: HandoffCard, specs: list[FieldSpec], *, errors: Mapping[str, str] | None = None
) -> dict[str, object]:
    """Required inputs are required (Slack marks only the others "(optional)"): *Save* needs
    them all, and *Save what I have* keeps a partial record without Slack's check."""
    lines = {line.key: line for line in card.fields}
    errors = errors or {}
    missing = len(card.missing_required)
    still = f" ({missing} {'is' if missing == 1 else 'are'} still missing)" if missing else ""
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(truncate(card.deal_name, 200))}*: the handoff goes ahead once "
                f"the required fields are filled{still}. *Save* needs all of them; to keep "
                "part of the record now, use *Save what I have* at the bottom."
            )
        )
    ]
    if errors:
        labels = {spec.key: spec.label for spec in specs}
        problems = "; ".join(f"*{escape(labels.get(k, k))}*: {v}" for k, v in errors.items())
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=truncate(f":warning: Not saved. {problems}", 3000))
            )
        )
    for spec in sorted(specs, key=lambda spec: not spec.required):
        blocks.append(_field_input(spec, lines.get(spec.key), errors.get(spec.key)))
    blocks += [
        ActionsBlock(
            block_id=BlockId.DETAILS_SAVE,
            elements=[
                ButtonElement(
                    text="Save what I have",
                    action_id=Action.SAVE_DRAFT,
                    value=str(card.handoff_id),
                )
            ],
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Saves what is filled in so far; the card keeps listing what is missing."
                )
            ]
        ),
    ]
    return modal(ViewId.FIELDS, "Handoff details", card, blocks, submit="Save")


def details_saved_modal(card: HandoffCard) -> dict[str, object]:
    """What a partial save shows: saved, and honestly what is still required."""
    missing = ", ".join(escape(line.label) for line in card.missing_required)
    outcome = f"Still required: {missing}." if missing else "Every required field is filled."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"{DONE} Saved. {outcome}")),
        SectionBlock(text=MarkdownTextObject(text=checklist(card))),
    ]
    view = View(
        type="modal",
        title="Handoff details",
        close="Done",
        private_metadata=private_metadata(card),
        blocks=blocks,
    )
    view.validate_json()
    return view.to_dict()


def _field_input(spec: FieldSpec, line: FieldLine | None, error: str | None) -> InputBlock:
    current = line.value if line and line.value else None
    element: PlainTextInputElement | DatePickerElement
    if spec.type is FieldType.DATE:
        element = DatePickerElement(action_id=Input.VALUE, initial_date=_iso_or_none(current))
    else:
        element = PlainTextInputElement(
            action_id=Input.VALUE,
            initial_value=current,
            multiline=spec.type is not FieldType.TEXT,
            max_length=MAX_INPUT,
            placeholder=PLACEHOLDERS.get(spec.type),
        )
    hint = f"{error}" if error else _provenance(line)
    return InputBlock(
        block_id=FIELD_BLOCK_PREFIX + spec.key,
        label=spec.label,
        element=element,
        optional=not spec.required,
        hint=truncate(hint, 2000) if hint else None,
    )


def _provenance(line: FieldLine | None) -> str | None:
    if line is None or not line.present:
        return None
    if line.set_by:
        when = f" on {line.updated_at:%d %b %Y}" if line.updated_at else ""
        return f"Entered in Slack{when}."
    return "From the CRM."


def _iso_or_none(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None


def exception_modal(card: HandoffCard) -> dict[str, object]:
    missing = ", ".join(escape(line.label) for line in card.missing_required) or "nothing"
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(truncate(card.deal_name, 200))}* is held: {missing} missing.\n"
                "An exception lets the handoff go ahead; the missing fields stay on the checklist."
            )
        ),
        InputBlock(
            block_id=Input.EXCEPTION_REASON,
            label="Why is it fine to go ahead?",
            element=PlainTextInputElement(
                action_id=Input.VALUE, multiline=True, max_length=500, min_length=5
            ),
        ),
        InputBlock(
            block_id=Input.EXCEPTION_UNTIL,
            label="Exception ends on",
            element=DatePickerElement(action_id=Input.VALUE),
            optional=True,
            hint="Leave empty for no end date.",
        ),
    ]
    return modal(ViewId.EXCEPTION, "Grant an exception", card, blocks, submit="Grant")


def reassign_modal(card: HandoffCard) -> dict[str, object]:
    blocks: list[Block] = [
        InputBlock(
            block_id=Input.NEW_OWNER,
            label="New owner",
            element=UserSelectElement(action_id=Input.VALUE, initial_user=card.owner_slack_id),
            hint="A CSM from the playbook. They are mentioned in the card's thread.",
        )
    ]
    return modal(ViewId.REASSIGN, "Reassign handoff", card, blocks, submit="Reassign")


def ready_modal(card: HandoffCard) -> dict[str, object]:
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=checklist(card))),
        InputBlock(
            block_id=Input.READY_CONFIRM,
            label="Before you sign off",
            element=CheckboxesElement(
                action_id=Input.VALUE,
                options=[
                    Option(value="brief_reviewed", label="I reviewed the handoff brief"),
                    Option(value="success_plan_reviewed", label="The success plan was reviewed"),
                ],
            ),
            hint="Reviewing the brief is required; the success plan is recorded if ticked.",
        ),
        ContextBlock(
            elements=[MarkdownTextObject(text="The brief is posted in the card's thread.")]
        ),
    ]
    return modal(ViewId.READY, "Mark handoff ready", card, blocks, submit="Mark ready")


def modal(
    callback: ViewId, title: str, card: HandoffCard, blocks: list[Block], *, submit: str
) -> dict[str, object]:
    view = View(
        type="modal",
        callback_id=callback,
        title=title,
        submit=submit,
        close="Cancel",
        private_metadata=private_metadata(card),
        blocks=blocks,
    )
    view.validate_json()
    return view.to_dict()
