"""Apply Alembic migrations programmatically (no alembic.ini needed).

Any number of processes may call ``upgrade`` at once (replicas starting together, a rolling
deploy that brings a migration): ``migrations/env.py`` serializes them, with an advisory lock
on PostgreSQL and an immediate transaction on SQLite, and the later ones find nothing to do.

``is_current`` answers the common case at start-up — nothing to migrate — without importing
Alembic (slow to load, and resident for the life of the process): it reads the revision ids
in ``migrations/versions`` and the database's ``alembic_version``. Anything it cannot read
plainly is left to Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]+)?=\s*(.+)$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def script_heads() -> frozenset[str] | None:
    """The revisions no migration builds on; None when a file does not say plainly."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        if path.name == "__init__.py":
            continue
        found = dict(_ASSIGNMENT.findall(path.read_text(encoding="utf-8")))
        ids = _QUOTED.findall(found.get("revision", ""))
        down = found.get("down_revision", "").strip()
        if len(ids) != 1 or not down or (down.startswith("(") and not down.endswith(")")):
            return None
        revisions.add(ids[0])
        parents.update(_QUOTED.findall(down))
    return frozenset(revisions - parents)


def is_current(engine: Engine) -> bool:
    """True when the database is at this release's one head, so there is nothing to apply."""
    heads = script_heads()
    if heads is None or len(heads) != 1:
        return False
    try:
        with engine.connect() as connection:
            versions = connection.execute(text("SELECT version_num FROM alembic_version"))
            return sorted(versions.scalars()) == sorted(heads)
    except (OperationalError, ProgrammingError):  # no alembic_version yet: a new database
        return False
