"""Heavy libraries are imported when they are used, not when the app starts (issue #10):
the plotting library when a chart is drawn, the built-in extractor's rules and the LLM SDK
when a deal's context is first read, a CRM's SDK when that CRM is configured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["matplotlib", "openai", "hubspot", "simple_salesforce", "bot.context.builtin"]

PROGRAM = """
import json, sys
import app
from bot.config.settings import Settings
settings = Settings(
    slack_bot_token="xoxb-1",
    slack_signing_secret="s",
    database_url="sqlite:///" + sys.argv[1],
    **json.loads(sys.argv[2]),
)
runtime = app.build_runtime(settings)
if sys.argv[3] == "chart":
    from datetime import UTC, datetime
    from bot.reporting.kpis import compute
    from bot.reporting.chart import kpi_chart
    from storage.migrate import upgrade
    upgrade(runtime.engine)
    week = datetime(2026, 1, 5, tzinfo=UTC)
    kpi_chart(compute(runtime.sessions, runtime.playbook, week_start=week))
if sys.argv[3] == "extract":
    from bot.context import ConfiguredExtractors
    ConfiguredExtractors(
        base_url=settings.llm_base_url, model=settings.llm_model, api_key=None
    ).for_seller(names=["Ann Seller"])
print(json.dumps([name for name in sys.argv[4:] if name in sys.modules]))
"""


def imported_after_build(tmp_path: Path, settings: dict[str, object], then: str = "") -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, str(tmp_path / "h.db"), json.dumps(settings), then, *HEAVY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    imported: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return imported


def test_building_the_app_imports_no_heavy_library(tmp_path: Path) -> None:
    assert imported_after_build(tmp_path, {}) == []


def test_each_library_comes_in_when_it_is_needed(tmp_path: Path) -> None:
    configured = {
        "hubspot_access_token": "pat-na1-00000000-0000-0000-0000-000000000000",
        "salesforce_organization_id": "00D000000000001AAA",
    }
    assert imported_after_build(tmp_path, configured) == ["hubspot", "simple_salesforce"]
    llm = {"llm_base_url": "http://127.0.0.1:9/v1", "llm_model": "m"}
    assert imported_after_build(tmp_path, llm) == []
    assert imported_after_build(tmp_path, llm, then="extract") == ["openai", "bot.context.builtin"]
    assert imported_after_build(tmp_path, {}, then="extract") == ["bot.context.builtin"]
    assert imported_after_build(tmp_path, {}, then="chart") == ["matplotlib"]


def test_after_start_up_the_heap_is_frozen_and_collected_less_often() -> None:
    """Full collections paused acks under a burst of clicks (issue #10): what start-up built
    is frozen out of the collector, and collections come rarer."""
    program = (
        "import gc, json; from bot.runtime.serve import GC_THRESHOLDS, settle_the_heap; "
        "before = gc.get_threshold(); settle_the_heap(); after = gc.get_threshold(); "
        "print(json.dumps([before, after, list(GC_THRESHOLDS), gc.get_freeze_count()]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after, wanted, frozen = json.loads(result.stdout)
    assert before == [700, 10, 10] and after == wanted and wanted[0] > before[0]
    assert frozen > 50_000  # the modules and objects of start-up
