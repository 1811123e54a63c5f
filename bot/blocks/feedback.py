"""The kickoff date modal, the two-week feedback modal, and the feedback as the AE reads it."""

from __future__ import annotations

from datetime import date

from slack_sdk.models.blocks import (
    Block,
    DatePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    SectionBlock,
    StaticSelectElement,
)

from bot.blocks.modals import modal
from bot.blocks.text import escape, truncate
from bot.domain.commitments import FEEDBACK_ANSWERS, FEEDBACK_ON
from bot.domain.feedback import FieldAccuracy
from bot.domain.read_models import HandoffCard
from bot.slack.ids import Input
from bot.slack.ids import View as ViewId

ACCURACY_BLOCK_PREFIX = "accuracy:"
# Per commitment: where it stands two weeks in, and what was missing ("<prefix><id>").
COMMITMENT_FEEDBACK_PREFIX = "commitment_feedback:"
COMMITMENT_MISSING_PREFIX = "commitment_missing:"
ACCURACY_LABELS: dict[str, str] = {
    FieldAccuracy.ACCURATE: "Accurate",
    FieldAccuracy.PARTLY: "Partly right",
    FieldAccuracy.INACCURATE: "Wrong or misleading",
    FieldAccuracy.UNUSED: "Not needed",
}


def kickoff_modal(card: HandoffCard, today: date) -> dict[str, object]:
    blocks: list[Block] = [
        InputBlock(
            block_id=Input.KICKOFF_DAY,
            label="Kickoff held on",
            element=DatePickerElement(action_id=Input.VALUE, initial_date=today.isoformat()),
            hint="The two-week feedback to the AE is requested from this date.",
        )
    ]
    return modal(ViewId.KICKOFF, "Customer kickoff", card, blocks, submit="Save")


def feedback_modal(card: HandoffCard) -> dict[str, object]:
    options = [Option(value=value, label=label) for value, label in ACCURACY_LABELS.items()]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Two weeks into *{escape(truncate(card.deal_name, 200))}*: tell the AE how "
                "the handoff went. They read it as you write it."
            )
        ),
        _text(Input.WENT_WELL, "What went well"),
        _text(Input.MISSING_CONTEXT, "What context was missing"),
        _text(Input.SIGNALS, "Early engagement signals"),
    ]
    for line in card.fields:
        blocks.append(
            InputBlock(
                block_id=ACCURACY_BLOCK_PREFIX + line.key,
                label=truncate(f"How accurate was “{line.label}”?", 2000),
                element=StaticSelectElement(action_id=Input.VALUE, options=options),
                optional=True,
            )
        )
    blocks += _commitment_inputs(card)
    return modal(ViewId.FEEDBACK, "Handoff feedback", card, blocks, submit="Send to the AE")


def _commitment_inputs(card: HandoffCard) -> list[Block]:
    """Each promise the CS team took on: delivered, on track, at risk, or not ours to keep."""
    kept = [c for c in card.commitments if c.status in FEEDBACK_ON][:20]
    options = [Option(value=value, label=label) for value, label in FEEDBACK_ANSWERS.items()]
    blocks: list[Block] = []
    for view in kept:
        blocks += [
            InputBlock(
                block_id=f"{COMMITMENT_FEEDBACK_PREFIX}{view.id}",
                label=truncate(f"Promise: “{view.text}”", 2000),
                element=StaticSelectElement(action_id=Input.VALUE, options=options),
                optional=True,
            ),
            InputBlock(
                block_id=f"{COMMITMENT_MISSING_PREFIX}{view.id}",
                label="What was missing to keep it?",
                element=PlainTextInputElement(action_id=Input.VALUE, max_length=500),
                optional=True,
            ),
        ]
    return blocks


def feedback_text(answers: dict[str, object], labels: dict[str, str]) -> str:
    parts = [
        f"*What went well*\n{escape(str(answers.get('went_well') or '—'))}",
        f"*What context was missing*\n{escape(str(answers.get('missing_context') or '—'))}",
        f"*Early engagement signals*\n{escape(str(answers.get('signals') or '—'))}",
    ]
    accuracy = answers.get("accuracy")
    if isinstance(accuracy, dict) and accuracy:
        rated = [
            f"{escape(labels.get(str(key), str(key)))}: "
            f"{ACCURACY_LABELS.get(str(value), str(value))}"
            for key, value in accuracy.items()
        ]
        parts.append("*Handoff fields*\n" + "\n".join(rated))
    promises = answers.get("commitments")
    if isinstance(promises, dict) and promises:
        lines = []
        for item in promises.values():
            if not isinstance(item, dict):
                continue
            answer = FEEDBACK_ANSWERS.get(str(item.get("answer")), str(item.get("answer")))
            missing = f" — missing: {escape(str(item['missing']))}" if item.get("missing") else ""
            lines.append(f"“{escape(truncate(str(item.get('text')), 200))}”: {answer}{missing}")
        parts.append("*Commitments*\n" + "\n".join(lines))
    return truncate("\n\n".join(parts), 2900)


def _text(block_id: str, label: str) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        element=PlainTextInputElement(action_id=Input.VALUE, multiline=True, max_length=2000),
    )
