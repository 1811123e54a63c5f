"""Handoff's entry point. The composition root lives in ``bot/runtime/``.

python app.py            # serve (default): HTTP, or Socket Mode when SLACK_APP_TOKEN is set
python app.py migrate    # apply database migrations and exit
python app.py demo       # the offline demo: a local Slack stand-in, no accounts, no network
python app.py check      # log in to the CRM and verify every mapped field
gunicorn 'app:create_wsgi_app()'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.runtime.build import Runtime, build_runtime
from bot.runtime.cli import main, settings_or_exit
from bot.runtime.serve import wsgi_app

if TYPE_CHECKING:
    from wsgiref.types import WSGIApplication

__all__ = ["Runtime", "build_runtime", "create_wsgi_app", "main"]


def create_wsgi_app() -> WSGIApplication:
    """For gunicorn: ``gunicorn 'app:create_wsgi_app()'`` (pending migrations are applied, one
    process at a time)."""
    return wsgi_app(settings_or_exit())


if __name__ == "__main__":
    main()
