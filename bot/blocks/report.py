"""The weekly KPI report and the quarterly audit sample, as messages."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.text import escape, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import HandoffSummary, Kpis, WeeklyReport

AUDIT_CHECKLIST = (
    "required fields complete or excepted",
    "reviewer flag",
    "call recordings attached",
    "success plan reviewed",
    "follow-up scheduled",
    "feedback returned",
)


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    return f"{value:.1f}{unit}" if value % 1 else f"{value:.0f}{unit}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


ROWS: list[tuple[str, str, str]] = [
    ("Handoffs started", "started", "n"),
    ("Median time to claim", "median_hours_to_claim", "h"),
    ("Median time to ready", "median_hours_to_ready", "h"),
    ("SLA hit rate", "sla_hit_rate", "%"),
    ("Required fields complete at trigger", "complete_at_trigger", "%"),
    ("Exceptions granted", "exceptions", "n"),
    ("Syncs held", "syncs_held", "n"),
    ("Feedback returned", "feedback_returned", "n"),
    ("Median time to value", "median_days_to_value", "d"),
    ("Onboarding completion", "onboarding_completion", "%"),
]


def _cell(kpis: Kpis, attribute: str, unit: str) -> str:
    value = getattr(kpis, attribute)
    if unit == "%":
        return _percent(value)
    return _number(value, {"h": " h", "d": " days", "n": ""}[unit])


def report_message(report: WeeklyReport) -> RenderedMessage:
    lines = [
        f"*{name}*: {_cell(report.this_week, attr, unit)}  "
        f"_(previous 4 weeks: {_cell(report.previous_four, attr, unit)})_"
        for name, attr, unit in ROWS
    ]
    blocks: list[Block] = [
        HeaderBlock(text=f"Handoff KPIs — week of {report.week_start:%d %b %Y}"),
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000))),
    ]
    accuracy = report.this_week.field_accuracy
    if accuracy:
        rated = ", ".join(f"{escape(k)} {v * 100:.0f}%" for k, v in sorted(accuracy.items()))
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(f"*Field accuracy (CSM feedback)*: {rated}", 3000)
                )
            )
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Counts are per week; the comparison averages the four weeks before."
                )
            ]
        )
    )
    text = (
        f"Handoff KPIs for the week of {report.week_start:%d %b %Y}: "
        f"{_number(report.this_week.started)} started, SLA hit rate "
        f"{_percent(report.this_week.sla_hit_rate)}."
    )
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def audit_message(quarter: str, sample: Sequence[HandoffSummary]) -> RenderedMessage:
    checklist = " · ".join(f":white_large_square: {item}" for item in AUDIT_CHECKLIST)
    blocks: list[Block] = [
        HeaderBlock(text=truncate(f"Quarterly handoff audit — {quarter}", 150)),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"A random sample of {len(sample)} handoffs started last quarter. For each, "
                f"check: {checklist}"
            )
        ),
    ]
    for item in sample[:40]:
        where = f" — <#{item.channel_id}>" if item.channel_id else ""
        owner = f"<@{item.owner_slack_id}>" if item.owner_slack_id else "no owner"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(
                        f"*{escape(item.deal_name)}* · {item.status.value} · {owner}{where}", 3000
                    )
                )
            )
        )
    if not sample:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="No handoff started last quarter."))
        )
    return RenderedMessage(
        text=f"Quarterly handoff audit ({quarter}): {len(sample)} handoffs to review.",
        blocks=[b.to_dict() for b in blocks],
    )
