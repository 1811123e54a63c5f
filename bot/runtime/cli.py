"""The command line: serve (default), migrate, demo, check, extract."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.runtime.build import build_runtime
from bot.runtime.checks import run_check
from bot.runtime.extract import run_extract
from bot.runtime.serve import serve
from storage.db import make_engine
from storage.migrate import upgrade

DESCRIPTION = "Handoff: the sales to customer-success handoff, run in Slack."


def settings_or_exit() -> Settings:
    try:
        return Settings.from_env(os.environ)
    except ConfigError as error:
        sys.exit(f"handoff: configuration error: {error.user_message}")


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="handoff", description=DESCRIPTION)
    parser.add_argument(
        "command",
        nargs="?",
        default="serve",
        choices=["serve", "migrate", "demo", "check", "extract"],
    )
    parser.add_argument("file", nargs="?", type=Path, help="extract: a transcript file")
    parser.add_argument("--call-date", type=date.fromisoformat, help="extract: YYYY-MM-DD")
    args = parser.parse_args(list(argv) if argv is not None else None)
    settings = settings_or_exit()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command == "demo":
        logging.getLogger().setLevel(logging.WARNING)
    try:
        if args.command == "migrate":
            engine = make_engine(settings.database_url)
            upgrade(engine)
            print(
                "handoff: database at "
                f"{engine.url.render_as_string(hide_password=True)} is up to date"
            )
        elif args.command == "extract":
            if args.file is None:
                parser.error("extract needs a FILE: python app.py extract call.vtt")
            sys.exit(run_extract(settings, args.file, call_date=args.call_date))
        elif args.command == "check":
            sys.exit(run_check(settings))
        elif args.command == "demo":
            from bot.sandbox.demo import run_demo

            run_demo(build_runtime)
        else:
            load_playbook(settings.playbook_path)
            serve(settings)
    except ConfigError as error:
        sys.exit(f"handoff: configuration error: {error.user_message}")
