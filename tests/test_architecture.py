"""The layers of DESIGN.md, kept by reading every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Modules that may talk to Slack's libraries: listeners, builders, adapters, HTTP, the sandbox.
SLACK_FACING = (
    "bot/handlers/",
    "bot/blocks/",
    "bot/adapters/",
    "bot/sandbox/",
    "bot/web/",
    "bot/startup.py",  # the command line's start-up checks
    "bot/report_delivery.py",  # composes the KPI services with their renderers
)


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def top(name: str) -> str:
    return name.split(".")[0]


def test_storage_imports_nothing_from_bot() -> None:
    offenders = {
        rel(p): i for p in modules("storage") for i in imports_of(p) if top(i) in ("bot", "app")
    }
    assert not offenders


def test_services_import_neither_slack_bolt_nor_slack_sdk() -> None:
    services = [p for p in modules("bot") if not rel(p).startswith(SLACK_FACING)]
    assert any(rel(p) == "bot/handoffs.py" for p in services)
    offenders = {
        rel(p): sorted(i for i in imports_of(p) if top(i) in ("slack_bolt", "slack_sdk"))
        for p in services
    }
    assert not {k: v for k, v in offenders.items() if v}


def test_services_do_not_reach_up_into_handlers_web_or_blocks() -> None:
    services = [p for p in modules("bot") if not rel(p).startswith(SLACK_FACING)]
    upward = ("bot.handlers", "bot.web", "bot.blocks", "bot.adapters", "bot.sandbox")
    offenders = {rel(p): i for p in services for i in imports_of(p) if i.startswith(upward)}
    assert not offenders


def test_block_builders_are_pure() -> None:
    forbidden = (
        "sqlalchemy",
        "storage.models",
        "storage.db",
        "storage.repositories",
        "slack_bolt",
        "requests",
    )
    offenders = {
        rel(p): i for p in modules("bot/blocks") for i in imports_of(p) if i.startswith(forbidden)
    }
    assert not offenders


def test_handlers_do_not_touch_the_database() -> None:
    offenders = {
        rel(p): i
        for p in modules("bot/handlers")
        for i in imports_of(p)
        if top(i) == "sqlalchemy"
        or i.startswith(("storage.db", "storage.models", "storage.repositories"))
    }
    assert not offenders


def test_nothing_in_the_package_imports_the_composition_root_or_tests() -> None:
    offenders = {
        rel(p): i
        for folder in ("bot", "storage")
        for p in modules(folder)
        for i in imports_of(p)
        if top(i) in ("app", "tests")
    }
    assert not offenders


def test_modules_stay_small() -> None:
    large = {
        rel(p): n
        for folder in ("bot", "storage")
        for p in modules(folder)
        if "versions" not in p.parts and (n := len(p.read_text().splitlines())) > 350
    }
    assert not large


def test_importing_app_builds_nothing() -> None:
    import importlib

    import app

    importlib.reload(app)
    assert not any(type(v).__name__ in ("App", "Engine", "WebClient") for v in vars(app).values())
