"""The weekly KPI report reads like a leadership summary, and its chart reads at preview size."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from matplotlib.text import Text

from bot.blocks.report import audit_message, report_message
from bot.domain.read_models import HandoffStatus, HandoffSummary, Kpis, WeeklyReport
from bot.reporting.chart import DPI, PREVIEW_WIDTH_PX, kpi_chart, kpi_figure
from tests.blocks.test_blocks import valid

WEEK = datetime(2026, 12, 7, tzinfo=UTC)
SAMPLES = {
    "median_hours_to_claim": 12,
    "median_hours_to_ready": 9,
    "sla_hit_rate": 12,
    "complete_at_trigger": 14,
    "median_days_to_value": 1,
    "onboarding_completion": 4,
}


def kpis(**values: object) -> Kpis:
    defaults: dict[str, object] = dict(
        started=14,
        median_hours_to_claim=3.1,
        median_hours_to_ready=20.0,
        sla_hit_rate=0.75,
        complete_at_trigger=0.5,
        exceptions=2,
        syncs_held=3,
        feedback_returned=1,
        median_days_to_value=6.0,
        onboarding_completion=0.5,
        field_accuracy={},
        samples=SAMPLES,
    )
    defaults.update(values)
    return Kpis(**defaults)  # type: ignore[arg-type]


def report(this: Kpis, before: Kpis) -> WeeklyReport:
    history = [(WEEK - timedelta(days=7 * back), before) for back in range(4, 0, -1)]
    return WeeklyReport(WEEK, this, before, [*history, (WEEK, this)])


def lines_of(message_blocks: list[dict]) -> dict[str, str]:
    text = "\n".join(b["text"]["text"] for b in message_blocks if b["type"] == "section")
    return {line.split("*")[1]: line for line in text.splitlines() if line.startswith("*")}


def test_each_figure_has_its_sample_and_direction() -> None:
    before = kpis(started=10, median_hours_to_claim=4.0, sla_hit_rate=0.8, exceptions=1)
    message = report_message(report(kpis(), before))
    lines = lines_of(valid(message))
    assert lines["Median time to claim"] == (
        "*Median time to claim*: 3.1 h over 12 handoffs · ↓ from 4 h, better"
    )
    assert lines["SLA hit rate"] == "*SLA hit rate*: 75% of 12 due · ↓ from 80%, worse"
    assert lines["Exceptions granted"] == "*Exceptions granted*: 2 · ↑ from 1 a week, worse"
    # Volume has no good direction: it says which way, not whether that is good.
    assert lines["Handoffs started"] == "*Handoffs started*: 14 · ↑ from 10 a week"
    assert lines["Median time to value"] == (
        "*Median time to value*: 6 days over 1 customer · → as before (6 days)"
    )
    assert message.text == (
        "Handoff KPIs for the week of 07 Dec 2026: 14 handoffs started; 9 of 12 met the SLA (75%)."
    )
    legend = json.dumps(message.blocks, ensure_ascii=False)
    assert "“better” or “worse” says whether that is good news" in legend


def test_a_dash_says_why_there_is_no_figure() -> None:
    empty = kpis(
        started=0,
        median_hours_to_claim=None,
        sla_hit_rate=None,
        median_days_to_value=None,
        samples={},
    )
    lines = lines_of(valid(report_message(report(empty, kpis(median_hours_to_claim=None)))))
    assert lines["Median time to claim"] == (
        "*Median time to claim*: — _(no handoff started this week was claimed)_"
    )
    assert lines["SLA hit rate"] == "*SLA hit rate*: — _(no SLA came due this week)_"
    assert lines["Median time to value"].endswith("_(no customer reached first value this week)_")
    first = lines_of(valid(report_message(report(kpis(), kpis(median_hours_to_ready=None)))))
    assert first["Median time to ready"].endswith("· no earlier figure to compare")


def test_chart_reads_at_slacks_preview_size() -> None:
    """Slack previews an image about 360 px wide: every word and number stays at least 9 px
    tall there, and no two labels overlap."""
    week = report(kpis(started=12), kpis(started=9, sla_hit_rate=None))
    figure = kpi_figure(week)
    figure.canvas.draw()
    width_px = figure.get_size_inches()[0] * DPI
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]
    assert {"Handoffs started a week", "SLA met (share due)", "—", "75%", "12"} <= {
        t.get_text() for t in texts
    }
    for text in texts:
        preview_px = text.get_fontsize() * DPI / 72 * PREVIEW_WIDTH_PX / width_px
        assert preview_px >= 9, (text.get_text(), round(preview_px, 1))
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    for index, (name, box) in enumerate(boxes):
        for other, other_box in boxes[index + 1 :]:
            assert not box.overlaps(other_box), (name, other)
    png = kpi_chart(week)
    assert png.startswith(b"\x89PNG") and int.from_bytes(png[16:20], "big") == width_px


def test_audit_sample_uses_the_status_markers() -> None:
    item = HandoffSummary(1, "Acme", None, HandoffStatus.HELD, None, None, None, 0, "C1")
    text = json.dumps(valid(audit_message("Jul – Sep 2026", [item])), ensure_ascii=False)
    assert "*Acme* · :large_orange_circle: Held · Unclaimed — <#C1>" in text
    assert ":white_large_square: Reviewer flag" in text
