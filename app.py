"""Handoff's entry point. The composition root lives in ``bot/runtime/``.

python app.py            # serve (default): HTTP, or Socket Mode when SLACK_APP_TOKEN is set
python app.py migrate    # apply database migrations and exit
python app.py demo       # the offline demo: a local Slack stand-in, no accounts, no network
python app.py check      # check Slack (token, scopes, channels), the database and the CRM
python app.py --help     # what each command does; `python app.py COMMAND --help` for one
gunicorn 'app:create_wsgi_app()'
"""

from __future__ import annotations

from bot.runtime.build import Runtime, build_runtime
from bot.runtime.cli import create_wsgi_app, main

__all__ = ["Runtime", "build_runtime", "create_wsgi_app", "main"]


if __name__ == "__main__":
    main()
