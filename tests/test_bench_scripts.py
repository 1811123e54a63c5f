"""The benchmark scripts run as `python bench/<name>.py`, which puts bench/ first on sys.path."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_no_bench_script_shadows_a_library_the_app_imports() -> None:
    shadowing = [
        script.name
        for script in sorted(BENCH.glob("*.py"))
        if importlib.util.find_spec(script.stem) is not None
    ]
    assert shadowing == [], f"rename these, they hide a library: {shadowing}"
