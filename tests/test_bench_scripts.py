"""The benchmark scripts run as `python bench/<name>.py`, which puts bench/ first on sys.path."""

from __future__ import annotations

import sys
from importlib.machinery import PathFinder
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def test_no_bench_script_shadows_a_library_the_app_imports() -> None:
    elsewhere = [entry for entry in sys.path if Path(entry or ".").resolve() != BENCH]
    shadowing = [
        script.name
        for script in sorted(BENCH.glob("*.py"))
        if PathFinder.find_spec(script.stem, elsewhere) is not None
        or script.stem in sys.builtin_module_names
    ]
    assert shadowing == [], f"rename these, they hide a library: {shadowing}"
