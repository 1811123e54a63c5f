"""Turning a due report (an outbox row) into its message and chart."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.blocks.report import audit_message, report_message
from bot.config.playbook import Playbook
from bot.delivery.ports import RenderedMessage, ReportRenderer
from bot.reporting.chart import kpi_chart
from bot.reporting.kpis import audit_sample, compute
from storage.db import SessionFactory
from storage.enums import OutboxKind


def report_renderer(sessions: SessionFactory, playbook: Playbook) -> ReportRenderer:
    def render(kind: object, payload: dict[str, object]) -> tuple[RenderedMessage, bytes | None]:
        if kind is OutboxKind.WEEKLY_REPORT:
            week = datetime.fromisoformat(str(payload["week_start"]))
            report = compute(sessions, playbook, week_start=week)
            return report_message(report), kpi_chart(report)
        start = datetime.fromisoformat(str(payload["start"]))
        end = datetime.fromisoformat(str(payload["end"]))
        sample = audit_sample(
            sessions,
            start=start,
            end=end,
            size=playbook.reporting.audit_sample_size,
            seed=int(start.timestamp()),
        )
        label = f"{start:%b} – {end - timedelta(days=1):%b %Y}"
        return audit_message(label, sample), None

    return render
