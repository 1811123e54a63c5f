"""Apply Alembic migrations programmatically (no alembic.ini needed).

Any number of processes may call ``upgrade`` at once (replicas starting together, a rolling
deploy that brings a migration): ``migrations/env.py`` serializes them, with an advisory lock
on PostgreSQL and an immediate transaction on SQLite, and the later ones find nothing to do.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)
