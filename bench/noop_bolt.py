"""The floor of bench/interactive.py and bench/startup.py: a Bolt app that only acks.

It answers every button, modal submission and slash command with an empty ack (same signing
secret, same Bolt), and GET /healthz with 200, so that it can be served exactly as Handoff is:

    python bench/noop_bolt.py                         # PORT, on Handoff's own HTTP server
    gunicorn 'bench.noop_bolt:create_wsgi_app()' ...  # the same gunicorn options as Handoff

SLACK_SIGNING_SECRET and SLACK_API_URL come from the environment, as they do for Handoff.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment


def create_wsgi_app() -> WSGIApplication:
    client = WebClient(
        token=os.environ.get("SLACK_BOT_TOKEN", "xoxb-noop"),
        base_url=os.environ.get("SLACK_API_URL", "https://slack.com/api/"),
    )
    app = App(
        client=client,
        signing_secret=os.environ["SLACK_SIGNING_SECRET"],
        token_verification_enabled=False,
    )
    anything = re.compile(".*")

    def just_ack(ack: Ack) -> None:
        ack()

    app.action(anything)(just_ack)
    app.view(anything)(just_ack)
    app.command(anything)(just_ack)
    bolt = SlackRequestHandler(app)

    def wsgi(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok"]
        answer: Any = bolt(environ, start_response)
        return answer  # type: ignore[no-any-return]

    return wsgi


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bot.web.server import HttpServer

    HttpServer(create_wsgi_app(), host="127.0.0.1", port=int(os.environ["PORT"])).serve_forever()
