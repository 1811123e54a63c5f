"""The weekly KPI chart: handoffs started and the SLA hit rate over five weeks, as a PNG.

Slack shows an image in the channel as a preview about 360 pixels wide; the chart is drawn so
that its words and numbers stay readable at that size (large type, values written on the bars,
two plain panels instead of twin axes).
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain.read_models import WeeklyReport

if TYPE_CHECKING:
    from matplotlib.figure import Figure

PREVIEW_WIDTH_PX = 360  # how wide Slack shows an image in the message list
SIZE_INCHES = (8.0, 4.5)
DPI = 100
TEXT_PT = 15
TITLE_PT = 17
NAVY, ORANGE, GREY = "#1d3b5a", "#e8912d", "#9aa5b1"


def week_labels(starts: list[datetime]) -> list[str]:
    """Short enough not to collide at preview size: the month only where it changes."""
    labels, month = [], None
    for start in starts:
        labels.append(f"{start.day}" if start.month == month else f"{start.day} {start:%b}")
        month = start.month
    return labels


def _use_agg() -> None:
    """matplotlib is imported when the first chart is drawn, not when the app starts: it
    costs about half a second and tens of megabytes that an app between reports does not need."""
    import matplotlib

    matplotlib.use("Agg")  # no display: render to memory


def kpi_figure(report: WeeklyReport) -> Figure:
    _use_agg()
    from matplotlib import pyplot

    labels = week_labels([start for start, _ in report.history])
    started = [kpis.started for _, kpis in report.history]
    rates = [kpis.sla_hit_rate for _, kpis in report.history]
    figure, (left, right) = pyplot.subplots(1, 2, figsize=SIZE_INCHES, dpi=DPI)
    bars = left.bar(labels, started, color=[GREY] * (len(labels) - 1) + [NAVY])
    left.bar_label(bars, labels=[f"{value:g}" for value in started], fontsize=TEXT_PT)
    left.set_title("Handoffs started a week", fontsize=TITLE_PT, loc="left")
    left.set_ylim(0, max([*started, 1]) * 1.3)
    hits = right.bar(
        labels,
        [rate * 100 if rate is not None else 0 for rate in rates],
        color=[GREY] * (len(labels) - 1) + [ORANGE],
    )
    right.bar_label(
        hits,
        labels=[f"{rate * 100:.0f}%" if rate is not None else "—" for rate in rates],
        fontsize=TEXT_PT,
    )
    right.set_title("SLA met (share due)", fontsize=TITLE_PT, loc="left")
    right.set_ylim(0, 130)
    for axes in (left, right):
        axes.tick_params(axis="x", labelsize=TEXT_PT, length=0)
        axes.set_yticks([])
        for side in ("top", "right", "left"):
            axes.spines[side].set_visible(False)
    figure.tight_layout()
    return figure


def kpi_chart(report: WeeklyReport) -> bytes:
    figure = kpi_figure(report)
    from matplotlib import pyplot

    try:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
