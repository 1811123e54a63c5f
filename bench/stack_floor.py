"""A second floor of bench/startup.py: the libraries Handoff cannot start without, and nothing
of Handoff's own.

It does what any app on this stack does before its first healthy answer — Bolt's app (as
bench/noop_bolt.py), pydantic validating a settings model, PyYAML reading the playbook,
SQLAlchemy's ORM reaching DATABASE_URL (the driver with it), APScheduler started — and serves
GET /healthz (one query) on Handoff's HTTP server. Its start-up and memory are what the stack
costs; Handoff's own code is the rest.

    python bench/stack_floor.py    # PORT, DATABASE_URL, SLACK_SIGNING_SECRET from the environment
"""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path

import yaml
from apscheduler.schedulers.background import BackgroundScheduler
from pydantic import BaseModel, Field
from sqlalchemy import create_engine, text
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.noop_bolt import create_wsgi_app  # noqa: E402
from bot.web.server import HttpServer  # noqa: E402


class Base(DeclarativeBase):
    pass


class Row(Base):
    __tablename__ = "stack_floor_rows"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]


class StackSettings(BaseModel):
    database_url: str
    slack_signing_secret: str = Field(min_length=1)
    port: int = Field(ge=1, le=65535)


def main() -> None:
    settings = StackSettings(
        database_url=os.environ["DATABASE_URL"],
        slack_signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        port=int(os.environ["PORT"]),
    )
    yaml.safe_load((ROOT / "bot/config/default_playbook.yml").read_text())
    engine = create_engine(settings.database_url)
    with Session(engine) as session:
        session.execute(text("SELECT 1"))
    BackgroundScheduler(timezone=UTC).start()
    bolt = create_wsgi_app()

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        if environ.get("PATH_INFO") == "/healthz":
            with Session(engine) as session:
                session.execute(text("SELECT 1"))
        return bolt(environ, start_response)

    HttpServer(app, host="127.0.0.1", port=settings.port).serve_forever()


if __name__ == "__main__":
    main()
