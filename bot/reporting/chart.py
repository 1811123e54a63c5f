"""The weekly KPI chart: handoffs started and SLA hit rate over five weeks, as a PNG."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: render to memory

from matplotlib import pyplot

from bot.domain.read_models import WeeklyReport


def kpi_chart(report: WeeklyReport) -> bytes:
    labels = [f"{start:%d %b}" for start, _ in report.history]
    started = [kpis.started for _, kpis in report.history]
    hit = [(kpis.sla_hit_rate or 0) * 100 for _, kpis in report.history]
    figure, left = pyplot.subplots(figsize=(7, 3.2), dpi=120)
    try:
        left.bar(labels, started, color="#1d3b5a", label="Handoffs started")
        left.set_ylabel("Handoffs started")
        right = left.twinx()
        right.plot(labels, hit, color="#e8912d", marker="o", label="SLA hit rate")
        right.set_ylabel("SLA hit rate (%)")
        right.set_ylim(0, 105)
        left.set_title("Handoffs: the last five weeks")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)
