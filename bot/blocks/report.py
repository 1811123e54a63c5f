"""The weekly KPI report and the quarterly audit sample, as messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.blocks.card import STATUS_LABELS
from bot.blocks.text import TO_DO, escape, truncate
from bot.delivery.ports import RenderedMessage
from bot.domain.read_models import CommitmentKpis, HandoffSummary, WeeklyReport

AUDIT_CHECKLIST = (
    "Required fields complete or excepted",
    "Reviewer flag",
    "Call recordings attached",
    "Success plan reviewed",
    "Follow-up scheduled",
    "Feedback returned",
)


@dataclass(frozen=True, slots=True)
class Measure:
    """One line of the report: how to show a KPI and which way is good."""

    name: str
    attribute: str
    unit: str  # "n" a count per week, "h" hours, "d" days, "%" a rate
    better: str  # "lower", "higher", or "" when neither (volume)
    sample: str = ""  # "over {n} handoffs": what a median or rate is taken over
    empty: str = ""  # why there is no figure, shown after "—"


MEASURES = (
    Measure("Handoffs started", "started", "n", ""),
    Measure(
        "Median time to claim",
        "median_hours_to_claim",
        "h",
        "lower",
        "over {n} handoffs",
        "no handoff started this week was claimed",
    ),
    Measure(
        "Median time to ready",
        "median_hours_to_ready",
        "h",
        "lower",
        "over {n} handoffs",
        "no handoff was marked ready this week",
    ),
    Measure(
        "SLA hit rate", "sla_hit_rate", "%", "higher", "of {n} due", "no SLA came due this week"
    ),
    Measure(
        "Required fields complete at trigger",
        "complete_at_trigger",
        "%",
        "higher",
        "of {n} started",
        "no handoff started this week",
    ),
    Measure("Exceptions granted", "exceptions", "n", "lower"),
    Measure("Syncs held", "syncs_held", "n", ""),
    Measure("Feedback returned", "feedback_returned", "n", ""),
    Measure(
        "Median time to value",
        "median_days_to_value",
        "d",
        "lower",
        "over {n} customers",
        "no customer reached first value this week",
    ),
    Measure(
        "Onboarding completion",
        "onboarding_completion",
        "%",
        "higher",
        "of {n} kicked off",
        "no customer has had a kickoff yet",
    ),
)


def figure(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return f"{value * 100:.0f}%"
    shown = f"{value:.1f}".removesuffix(".0")
    return {"h": f"{shown} h", "d": f"{shown} days" if shown != "1" else "1 day"}.get(unit, shown)


def trend(measure: Measure, now: float | None, before: float | None) -> str:
    """↑ or ↓ against the four weeks before, and whether that is better or worse."""
    if now is None:
        return ""
    if before is None:
        return "no earlier figure to compare"
    earlier = figure(before, measure.unit) + (" a week" if measure.unit == "n" else "")
    if round(now, 3) == round(before, 3):
        return f"→ as before ({earlier})"
    up = now > before
    verdict = ""
    if measure.better:
        verdict = ", better" if up == (measure.better == "higher") else ", worse"
    return f"{'↑' if up else '↓'} from {earlier}{verdict}"


def measure_line(measure: Measure, report: WeeklyReport) -> str:
    now = getattr(report.this_week, measure.attribute)
    before = getattr(report.previous_four, measure.attribute)
    if now is None:
        return f"*{measure.name}*: — _({measure.empty})_"
    count = report.this_week.samples.get(measure.attribute)
    sample = f" {measure.sample.format(n=count)}" if measure.sample and count else ""
    if measure.sample and count == 1:
        sample = sample.replace("handoffs", "handoff").replace("customers", "customer")
    direction = trend(measure, now, before)
    return f"*{measure.name}*: {figure(now, measure.unit)}{sample}" + (
        f" · {direction}" if direction else ""
    )


def report_message(report: WeeklyReport) -> RenderedMessage:
    week = report.this_week
    lines = [measure_line(measure, report) for measure in MEASURES]
    blocks: list[Block] = [
        HeaderBlock(text=f"Handoff KPIs — week of {report.week_start:%d %b %Y}"),
        SectionBlock(text=MarkdownTextObject(text=truncate(headline(report) + ".", 3000))),
        SectionBlock(text=MarkdownTextObject(text=truncate("\n".join(lines), 3000))),
    ]
    if week.field_accuracy:
        rated = ", ".join(
            f"{escape(k)} {v * 100:.0f}%" for k, v in sorted(week.field_accuracy.items())
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=truncate(f"*Field accuracy (CSM feedback)*: {rated}", 3000)
                )
            )
        )
    if report.commitments is not None:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=commitments_line(report.commitments)))
        )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="↑ ↓ compare with the weekly average of the four weeks before; "
                    "“better” or “worse” says whether that is good news. Counts are per week."
                )
            ]
        )
    )
    text = f"Handoff KPIs for the week of {report.week_start:%d %b %Y}: {headline(report)}."
    return RenderedMessage(text=text, blocks=[b.to_dict() for b in blocks])


def commitments_line(kpis: CommitmentKpis) -> str:
    """The ledger's week, and per AE how many proposed commitments survived the sync."""
    on_time = (
        f" ({kpis.delivered_on_time * 100:.0f}% on time)"
        if kpis.delivered_on_time is not None
        else ""
    )
    text = (
        f"*Commitments*: {kpis.confirmed} confirmed, {kpis.delivered} delivered{on_time}, "
        f"{kpis.at_risk} at risk, {kpis.dropped} dropped"
    )
    if kpis.survived_per_ae:
        survived = ", ".join(
            f"<@{ae}> {kept} of {total}"
            for ae, (kept, total) in sorted(kpis.survived_per_ae.items())
        )
        text += f"\n_Survived the sync, per AE_: {survived}"
    return truncate(text, 3000)


def headline(report: WeeklyReport) -> str:
    """The one sentence a leader reads first."""
    week = report.this_week
    started = figure(week.started, "n")
    noun = "handoff" if started == "1" else "handoffs"
    due = week.samples.get("sla_hit_rate", 0)
    if week.sla_hit_rate is None:
        sla = "no SLA came due"
    else:
        met = round(week.sla_hit_rate * due)
        sla = f"{met} of {due} met the SLA ({figure(week.sla_hit_rate, '%')})"
    return f"{started} {noun} started; {sla}"


def audit_message(quarter: str, sample: Sequence[HandoffSummary]) -> RenderedMessage:
    checklist = " · ".join(f"{TO_DO} {item}" for item in AUDIT_CHECKLIST)
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
        owner = f"Owner <@{item.owner_slack_id}>" if item.owner_slack_id else "Unclaimed"
        line = f"*{escape(item.deal_name)}* · {STATUS_LABELS[item.status]} · {owner}{where}"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=truncate(line, 3000))))
    if not sample:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="No handoff started last quarter."))
        )
    return RenderedMessage(
        text=f"Quarterly handoff audit ({quarter}): {len(sample)} handoffs to review.",
        blocks=[b.to_dict() for b in blocks],
    )
