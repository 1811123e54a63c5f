"""The layers of docs/ARCHITECTURE.md, kept by reading every module's imports.

Each package of ``bot/`` may import only the packages its row below names. The rules speak in
packages; no module has an exception of its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The CRM port: what the workflow knows of any CRM. Everything else in bot/crm/ is an adapter.
CRM_PORT = {"crm.events", "crm.errors", "crm.tasks", "crm.adapter"}

# package -> the packages of bot/ it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "domain": {"config"},
    "crm.port": {"config", "domain"},
    # The workflow reads calls and conversations with the pure context core.
    "workflow": {"config", "domain", "crm.port", "context"},
    "timers": {"config", "domain", "workflow"},
    "reporting": {"config", "domain"},
    # Reading calls and conversations: transcripts, extractors, suggestions.
    "context": {"config", "domain"},
    "delivery": {"config", "domain", "workflow"},
    "slack": {"config", "domain", "delivery"},
    "blocks": {"config", "domain", "delivery", "slack"},
    "web": {"config", "domain"},
    "crm.adapters": {"config", "domain", "crm.port", "workflow", "delivery", "timers", "web"},
    "handlers": {
        "config",
        "domain",
        "workflow",
        "timers",
        "reporting",
        "delivery",
        "slack",
        "blocks",
    },
    "sandbox": {"config", "domain", "crm.port", "crm.adapters", "web"},
    "runtime": {
        "config",
        "domain",
        "crm.port",
        "crm.adapters",
        "workflow",
        "timers",
        "reporting",
        "context",
        "delivery",
        "slack",
        "blocks",
        "web",
        "handlers",
        "sandbox",
    },
}
# Slack's libraries: the listeners, the gateway, HTTP, the stand-in and the composition root.
SLACK_FACING = {"handlers", "slack", "web", "sandbox", "runtime"}


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


def package_of_module(dotted: str) -> str | None:
    """``bot.workflow.intake`` -> ``workflow``; the CRM port and adapters are told apart."""
    parts = dotted.split(".")
    if parts[0] != "bot" or len(parts) < 2:
        return None
    if parts[1] == "crm" and len(parts) > 2:
        return "crm.port" if ".".join(parts[1:3]) in CRM_PORT else "crm.adapters"
    return parts[1]


def package_of_file(path: Path) -> str | None:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[0] != "bot" or len(parts) < 3:
        return None
    return package_of_module(".".join(parts))


def test_every_package_of_bot_has_a_row() -> None:
    packages = {package_of_file(p) for p in modules("bot")} - {None}
    assert packages <= set(ALLOWED)
    assert {"workflow", "crm.port", "crm.adapters", "runtime"} <= packages


def test_each_package_imports_only_the_layers_below_it() -> None:
    offenders: dict[str, list[str]] = {}
    for path in modules("bot"):
        package = package_of_file(path)
        if package is None:
            continue
        used = {package_of_module(name) for name in imports_of(path)} - {None, package}
        if not used <= ALLOWED[package]:
            offenders[rel(path)] = sorted(str(p) for p in used - ALLOWED[package])
    assert not offenders


def test_storage_imports_nothing_from_bot() -> None:
    offenders = {
        rel(p): i for p in modules("storage") for i in imports_of(p) if top(i) in ("bot", "app")
    }
    assert not offenders


def test_only_the_slack_facing_packages_import_slacks_libraries() -> None:
    """Block builders may use slack_sdk.models (pure, validating data classes), nothing else."""
    offenders = {}
    for path in modules("bot"):
        package = package_of_file(path)
        if package in SLACK_FACING:
            continue
        slack = {i for i in imports_of(path) if top(i) in ("slack_bolt", "slack_sdk")}
        if package == "blocks":
            slack = {i for i in slack if not i.startswith("slack_sdk.models")}
        if slack:
            offenders[rel(path)] = sorted(slack)
    assert not offenders


def test_block_builders_are_pure() -> None:
    forbidden = ("sqlalchemy", "storage", "slack_bolt", "requests", "bot.delivery.outbox")
    offenders = {
        rel(p): i for p in modules("bot/blocks") for i in imports_of(p) if i.startswith(forbidden)
    }
    assert not offenders


def test_blocks_take_only_ports_and_ids_from_delivery_and_slack() -> None:
    offenders = {
        rel(p): i
        for p in modules("bot/blocks")
        for i in imports_of(p)
        if i.startswith(("bot.delivery", "bot.slack"))
        and i not in ("bot.delivery.ports", "bot.slack.ids")
    }
    assert not offenders


def test_the_context_core_is_pure() -> None:
    """Parsing and extraction touch no database and no Slack; the workflow wires them in."""
    forbidden = ("sqlalchemy", "storage", "slack_bolt", "slack_sdk", "requests")
    offenders = {
        rel(p): i for p in modules("bot/context") for i in imports_of(p) if i.startswith(forbidden)
    }
    assert not offenders


def test_handlers_do_not_touch_the_database() -> None:
    offenders = {
        rel(p): i
        for p in modules("bot/handlers")
        for i in imports_of(p)
        if top(i) == "sqlalchemy" or top(i) == "storage"
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


def test_no_module_sits_loose_in_bot() -> None:
    loose = [rel(p) for p in (ROOT / "bot").glob("*.py") if p.name != "__init__.py"]
    assert not loose


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


def test_the_architecture_document_names_every_package() -> None:
    document = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    folders = sorted(
        p.parent.relative_to(ROOT / "bot").as_posix()
        for p in (ROOT / "bot").rglob("__init__.py")
        if p.parent != ROOT / "bot"
    )
    missing = [f for f in folders if f"{f.split('/')[-1]}/" not in document]
    assert not missing
