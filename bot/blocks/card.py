"""The handoff card posted to the deal channel: a pure function of the handoff's state."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.blocks.card_actions import card_elements
from bot.blocks.commitments import commitment_line
from bot.blocks.text import (
    DONE,
    STATUS_MARKERS,
    TO_DO,
    escape,
    money,
    plural,
    slack_date,
    truncate,
    user_mention,
)
from bot.blocks.waiting import waiting_blocks
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import HandoffCard, HandoffStatus
from bot.slack.ids import BlockId

# One marker per status, the same on the card, in lists, the App Home and the thread.
STATUS_LABELS = {
    status: f"{STATUS_MARKERS[status]} {name}"
    for status, name in (
        (HandoffStatus.UPCOMING, "Upcoming"),
        (HandoffStatus.HELD, "Held"),
        (HandoffStatus.OPEN, "Open"),
        (HandoffStatus.READY, "Handoff ready"),
        (HandoffStatus.CANCELLED, "Closed"),
    )
}


def status_line(card: HandoffCard) -> str:
    label = STATUS_LABELS[card.status]
    missing = len(card.missing_required)
    if card.status is HandoffStatus.UPCOMING:
        return f"{label} — the deal is in {escape(card.stage)}"
    if card.status is HandoffStatus.HELD and missing:
        return f"{label} — {plural(missing, 'required field')} missing"
    if card.status is HandoffStatus.OPEN and card.owner_slack_id is None:
        return f"{label} — waiting for a CSM to claim it"
    if card.status is HandoffStatus.OPEN:
        return f"{label} — waiting for a reviewer"
    if card.status is HandoffStatus.CANCELLED:
        return f"{label} — the deal was lost"
    return label


def render_card(card: HandoffCard) -> RenderedMessage:
    return RenderedMessage(text=card_text(card), blocks=[b.to_dict() for b in card_blocks(card)])


def card_text(card: HandoffCard) -> str:
    account = f" ({escape(card.account_name)})" if card.account_name else ""
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "unclaimed"
    status = status_line(card).split(" ", 1)[1]
    return f"Handoff for {escape(card.deal_name)}{account}: {status}. Owner: {owner}."


def card_blocks(card: HandoffCard) -> list[Block]:
    title = "Upcoming handoff" if card.status is HandoffStatus.UPCOMING else "Handoff"
    # Fresh block ids on every version: Slack's reference asks for a new block_id whenever a
    # message is updated. Nothing reads them back; listeners go by action_id and value.
    version = f".v{card.version}"
    blocks: list[Block] = [
        HeaderBlock(text=PlainTextObject(text=truncate(f"{title}: {card.deal_name}", 150))),
        SectionBlock(block_id=BlockId.CARD_SUMMARY + version, fields=_summary_fields(card)),
        SectionBlock(
            block_id=BlockId.CARD_CHECKLIST + version,
            text=MarkdownTextObject(text=checklist(card)),
        ),
    ]
    notes = _notes(card)
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=notes)]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_context(card))]))
    blocks += waiting_blocks(card)
    elements = card_elements(card)
    if elements:
        blocks.append(ActionsBlock(block_id=BlockId.CARD_ACTIONS + version, elements=elements))
    return blocks


def _summary_fields(card: HandoffCard) -> list[MarkdownTextObject]:
    owner = f"<@{card.owner_slack_id}>" if card.owner_slack_id else "_Unclaimed_"
    if card.status is HandoffStatus.READY and card.ready_at:
        sla = f"Ready {slack_date(card.ready_at)}"
    elif card.sla_breached_at and card.sla_due_at:
        sla = f":rotating_light: Breached — was due {slack_date(card.sla_due_at)}"
    elif card.sla_due_at:
        sla = f"Ready by {slack_date(card.sla_due_at)}"
    else:
        sla = "Starts when the deal closes"
    pairs = [
        ("Account", escape(card.account_name) if card.account_name else "—"),
        ("Amount", money(card.amount, card.currency)),
        ("AE", user_mention(card.ae_slack_id, card.ae_email)),
        ("Owner", owner),
        ("Status", status_line(card)),
        ("SLA", sla),
    ]
    return [MarkdownTextObject(text=truncate(f"*{name}*\n{value}", 2000)) for name, value in pairs]


def checklist(card: HandoffCard) -> str:
    required = [line for line in card.fields if line.required]
    optional = [line for line in card.fields if not line.required]
    done = sum(1 for line in required if line.present)
    rows = [f"*Required fields* ({done}/{len(required)})"]
    rows += [
        f"{DONE} {escape(line.label)}"
        if line.present
        else f"{TO_DO} {escape(line.label)} — _missing_"
        for line in required
    ]
    if optional:
        present = ", ".join(escape(line.label) for line in optional if line.present) or "none yet"
        rows.append(f"_Optional:_ {present}")
    if card.status is HandoffStatus.READY:
        rows += ["", "*Handoff checklist*", *ready_checklist(card)]
    return truncate("\n".join(rows), 3000)


def ready_checklist(card: HandoffCard) -> list[str]:
    def tick(done: bool, text: str) -> str:
        return f"{DONE if done else TO_DO} {text}"

    recordings = card.field("call_recordings")
    fields_text = "Required fields complete"
    if card.missing_required and card.exception:
        fields_text = f"Required fields excepted by <@{card.exception.by}>"
    return [
        tick(True, fields_text),
        tick(
            card.ready_by is not None,
            f"Reviewer flag — <@{card.ready_by}>" if card.ready_by else "Reviewer flag",
        ),
        tick(bool(recordings and recordings.present), "Call recordings attached"),
        tick(card.success_plan_reviewed, "Success plan reviewed"),
        tick(
            card.follow_up_scheduled,
            f"Follow-up scheduled — sync {slack_date(card.sync_at)}"
            if card.sync_at
            else "Follow-up scheduled",
        ),
        *[
            f":calendar: {label} {slack_date(moment, '{date_short_pretty}')}"
            for label, moment in (
                ("Customer kickoff held", card.kickoff_at),
                ("First value reached", card.first_value_at),
                ("Onboarding complete", card.onboarding_done_at),
                ("Feedback sent to the AE", card.feedback_at),
            )
            if moment
        ],
    ]


def _notes(card: HandoffCard) -> str:
    notes: list[str] = []
    if card.sync_at and card.sync_minutes:
        done = " — outcomes captured" if card.sync_outcomes else ""
        notes.append(
            f":handshake: Handoff sync {slack_date(card.sync_at)} ({card.sync_minutes} min){done}"
        )
    notes += commitment_notes(card)
    if card.exception:
        until = f" until {card.exception.until:%d %b %Y}" if card.exception.until else ""
        notes.append(
            f":large_orange_diamond: Exception granted by <@{card.exception.by}>{until}: "
            f"“{escape(truncate(card.exception.reason, 300))}”"
        )
    for line in card.fields:
        if line.crm_value:
            crm = escape(truncate(line.crm_value, 200))
            notes.append(
                f":warning: *{escape(line.label)}*: the CRM says “{crm}”; "
                f"the value entered by <@{line.set_by}> stands."
            )
    return truncate("\n".join(notes), 3000)


def commitment_notes(card: HandoffCard) -> list[str]:
    """The ledger at a glance, and each overdue commitment."""
    if not card.commitments:
        return []
    counts: dict[str, int] = {}
    for view in card.commitments:
        counts[view.label] = counts.get(view.label, 0) + 1
    summary = ", ".join(f"{n} {label}" for label, n in counts.items())
    notes = [f":handshake: Commitments: {summary}"]
    notes += [f":warning: Overdue: {commitment_line(v)}" for v in card.commitments if v.past_due]
    return notes


def _context(card: HandoffCard) -> str:
    parts = [f"Stage: {escape(card.stage)}"]
    if card.close_date:
        parts.append(f"Closed {card.close_date:%d %b %Y}")
    parts.append(f"CRM id {escape(card.deal_id)}")
    if card.canvas_url:
        parts.append(f":page_facing_up: <{card.canvas_url}|The brief, in this channel's canvas>")
    return truncate(" · ".join(parts), 3000)
