"""The command line: ``python app.py [serve | migrate | demo | check | help]``.

Each subcommand is one entry of ``SUBCOMMANDS``: its name, a line for the overview, a
paragraph for its own ``--help``, its options and what it runs. A new command is one entry.
Every failure a person can fix is one sentence on stderr and a non-zero exit, never a
traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.runtime.build import build_runtime
from bot.runtime.checks import run_check
from bot.runtime.logs import configure_logging
from bot.runtime.serve import serve, wsgi_app
from bot.runtime.startup import StartupError, migrate
from storage.db import make_engine

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

log = logging.getLogger("handoff")

DESCRIPTION = (
    "Handoff runs the sales to customer-success handoff in Slack. When a deal closes in your "
    "CRM it posts a card to the deal's channel with what the CSM needs to know, collects the "
    "missing details from the AE, gives the deal one accountable CSM, keeps an SLA, and writes "
    "the results back to the CRM."
)
EPILOG = (
    "Settings come from environment variables (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, "
    "DATABASE_URL, ...) and the playbook file named by HANDOFF_PLAYBOOK; the README lists "
    "them. Run a command with --help to see what it does and its options."
)
# gunicorn stops, instead of restarting the worker for ever, when a worker exits with 4.
GUNICORN_APP_LOAD_ERROR = 4

Run = Callable[[argparse.Namespace, Settings], int | None]


@dataclass(frozen=True)
class Subcommand:
    name: str
    summary: str  # one line in `python app.py --help`
    description: str  # the command's own --help
    run: Run
    arguments: Callable[[argparse.ArgumentParser], None] = field(default=lambda _: None)


def _serve(_args: argparse.Namespace, settings: Settings) -> None:
    load_playbook(settings.playbook_path)
    serve(settings)


def _migrate(_args: argparse.Namespace, settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    migrate(engine)
    print(f"handoff: database at {engine.url.render_as_string(hide_password=True)} is up to date")


def _check(args: argparse.Namespace, settings: Settings) -> int:
    return run_check(settings, fix=args.fix)


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fix",
        action="store_true",
        help="also create what can be created for you (HubSpot's property group and "
        "write-back properties)",
    )


def _setup_hubspot(_args: argparse.Namespace, settings: Settings) -> int:
    return run_check(settings, fix=True, only="HubSpot")


def _extract(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.extract import run_extract  # the extractors: not loaded to serve

    return run_extract(settings, args.file, call_date=args.call_date)


def _extract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="a .vtt, .srt, .txt or .json call")
    parser.add_argument(
        "--call-date",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help='the day of the call, to resolve "by end of Q1" and the like (default: today)',
    )


def _demo(args: argparse.Namespace, _settings: Settings) -> None:
    from bot.sandbox.demo import run_demo

    logging.getLogger().setLevel(logging.WARNING)
    run_demo(build_runtime, links=args.links)


def _demo_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--links",
        metavar="FILE",
        type=Path,
        help="also write an HTML page linking each card to Slack's Block Kit Builder, to see "
        "it exactly as Slack draws it",
    )


SUBCOMMANDS: list[Subcommand] = [
    Subcommand(
        "serve",
        "run Handoff for your workspace (the default command)",
        "Apply any pending database migrations, check the Slack token, then serve Slack "
        "(/slack/events, or Socket Mode when SLACK_APP_TOKEN is set), the CRM webhook "
        "(/crm/events) and /healthz on PORT, and run the timers: card updates, SLA nudges, "
        "reports.",
        _serve,
    ),
    Subcommand(
        "migrate",
        "create or upgrade the database tables, then exit",
        "Create or upgrade Handoff's tables in DATABASE_URL and exit. Run it once per "
        "release before starting gunicorn; `python app.py` does it by itself.",
        _migrate,
    ),
    Subcommand(
        "demo",
        "watch a won deal handed off, offline, no account needed",
        "Run the real app against a local stand-in for Slack and a temporary database, and "
        "print what people would see: the card, the modals, the thread notes, the DMs, the "
        "nudges and the weekly report. Needs no account and no network.",
        _demo,
        _demo_arguments,
    ),
    Subcommand(
        "check",
        "check Slack, the database and the CRM are set up right",
        "Check that everything Handoff needs is in place before it matters: the Slack token, "
        "the scopes it was granted against manifest.yml's, the bot's membership of each "
        "channel the playbook names, the database, and the CRM login and field mapping. "
        "Prints one line per check and exits non-zero if any failed.",
        _check,
        _check_arguments,
    ),
    Subcommand(
        "setup-hubspot",
        "create Handoff's properties on HubSpot deals, then check HubSpot",
        "Create the property group and every write-back property the playbook's hubspot: "
        "section names that HubSpot deals lack, then run HubSpot's part of check.",
        _setup_hubspot,
    ),
    Subcommand(
        "extract",
        "print what Handoff would pull from one call transcript, as JSON",
        "Read one transcript file (WebVTT, SubRip, plain `Speaker: words` lines or JSON "
        "segments) with the extractor that is configured (HANDOFF_LLM_* or the built-in one) "
        "and print the suggested fields, stakeholders and commitments, each with its quote. "
        "Nothing is stored and nothing is posted.",
        _extract,
        _extract_arguments,
    ),
]


def _program_name() -> str:
    invoked = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "handoff"
    return "python app.py" if invoked == "app.py" else invoked


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    parser = argparse.ArgumentParser(
        prog=_program_name(),
        description=DESCRIPTION,
        epilog=EPILOG,
    )
    commands = parser.add_subparsers(dest="command", title="commands", metavar="COMMAND")
    parsers: dict[str, argparse.ArgumentParser] = {}
    for subcommand in SUBCOMMANDS:
        sub = commands.add_parser(
            subcommand.name, help=subcommand.summary, description=subcommand.description
        )
        subcommand.arguments(sub)
        parsers[subcommand.name] = sub
    helper = commands.add_parser(
        "help", help="show this help, or a command's (help serve)", description="Show help."
    )
    helper.add_argument("topic", nargs="?", choices=[s.name for s in SUBCOMMANDS])
    return parser, parsers


def main(argv: Sequence[str] | None = None) -> None:
    parser, parsers = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command == "help":
        (parsers[args.topic] if args.topic else parser).print_help()
        return
    subcommand = next(s for s in SUBCOMMANDS if s.name == (args.command or "serve"))
    settings = settings_or_exit()
    configure_logging(level=settings.log_level, json_lines=settings.log_format == "json")
    try:
        code = subcommand.run(args, settings)
    except ConfigError as error:
        sys.exit(f"handoff: configuration error: {error.user_message}")
    except StartupError as error:
        sys.exit(f"handoff: {error.user_message}")
    if code:
        sys.exit(code)


def settings_or_exit(exit_code: int = 1) -> Settings:
    try:
        return Settings.from_env(os.environ)
    except ConfigError as error:
        print(f"handoff: configuration error: {error.user_message}", file=sys.stderr)
        sys.exit(exit_code)


def create_wsgi_app() -> WSGIApplication:
    """gunicorn's entry: logs as LOG_LEVEL / LOG_FORMAT say, and a mistake stops gunicorn
    with one sentence in its log instead of a worker restarting for ever."""
    settings = settings_or_exit(GUNICORN_APP_LOAD_ERROR)
    configure_logging(level=settings.log_level, json_lines=settings.log_format == "json")
    try:
        return wsgi_app(settings)
    except ConfigError as error:
        log.error("configuration error: %s", error.user_message)
    except StartupError as error:
        log.error("%s", error.user_message)
    sys.exit(GUNICORN_APP_LOAD_ERROR)
