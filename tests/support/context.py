"""A discovery call in every shape people share it, and helpers to talk in the deal channel
and send transcripts to the running app."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from bot.crm.webhook.events import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature
from bot.delivery.context_jobs import ContextReport
from bot.sandbox.channel_events import ChannelEvents
from bot.sandbox.workspace import BOT_USER_ID
from bot.workflow.context_intake import MESSAGES_SETTLE
from storage.context_models import ContextSource, ContextSuggestion
from tests.conftest import DEAL_CHANNEL, SIGNING_SECRET, WEBHOOK_SECRET, RunningApp
from tests.support.signing import Reply, _session, post_to_slack_endpoint, view_submission

USE_CASE = "Our main goal is to consolidate billing for our 14 entities into one system."
METRIC = "Success for us means cutting days sales outstanding by 10 days."
PROMISE_QUOTE = (
    "We'll have SSO live by January 15, and onboarding includes two training sessions at no cost."
)
# (seconds into the call, speaker, words)
DISCOVERY = [
    (5, "Dana Ae", "Thanks for joining, everyone. I'm Dana, the account executive on our side."),
    (10, "Priya Shah", "I'm Priya Shah, the CFO at Acme."),
    (751, "Priya Shah", USE_CASE),
    (782, "Priya Shah", METRIC),
    (850, "Priya Shah", "We need to be live by March 31 before the audit starts."),
    (900, "Dana Ae", PROMISE_QUOTE),
]
# What colleagues write in the deal channel, in words the built-in extractor reads.
SLACK_METRIC = "Acme wants to cut days sales outstanding by 10 days."
SLACK_BUYER = "Priya Shah (CFO, priya@acme.example) is the economic buyer."


def _clock(seconds: int, *, comma: bool = False) -> str:
    stamp = f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}.000"
    return stamp.replace(".", ",") if comma else stamp


def as_vtt(lines: list[tuple[int, str, str]] = DISCOVERY) -> str:
    cues = [f"{_clock(at)} --> {_clock(at + 4)}\n<v {who}>{words}" for at, who, words in lines]
    return "WEBVTT\n\n" + "\n\n".join(cues) + "\n"


def as_srt(lines: list[tuple[int, str, str]] = DISCOVERY) -> str:
    cues = [
        f"{n}\n{_clock(at, comma=True)} --> {_clock(at + 4, comma=True)}\n{who}: {words}"
        for n, (at, who, words) in enumerate(lines, start=1)
    ]
    return "\n\n".join(cues) + "\n"


def as_plain(lines: list[tuple[int, str, str]] = DISCOVERY) -> str:
    return "\n".join(f"{who}: {words}" for _, who, words in lines) + "\n"


def as_segments(lines: list[tuple[int, str, str]] = DISCOVERY) -> list[dict[str, Any]]:
    return [{"speaker": who, "start": at, "text": words} for at, who, words in lines]


def as_json(lines: list[tuple[int, str, str]] = DISCOVERY) -> str:
    return json.dumps(as_segments(lines))


FORMATS = {"vtt": as_vtt, "srt": as_srt, "txt": as_plain, "json": as_json}


def channel(app: RunningApp) -> ChannelEvents:
    """People in the deal channel, their messages delivered to the app as Slack would."""
    return ChannelEvents(app.slack, app_url=app.url, signing_secret=SIGNING_SECRET)


def settle_context(app: RunningApp) -> ContextReport:
    """Let the event listeners finish, wait out the pause that gathers a conversation's
    messages into one read, run the context jobs, then relay the cards."""
    app.executor.drain()
    app.clock.advance(MESSAGES_SETTLE)
    report = app.runtime.context.run_once()
    app.relay()
    return report


def card_blocks(app: RunningApp, channel_id: str = DEAL_CHANNEL) -> list[dict[str, Any]]:
    cards = [m for m in app.slack.messages(channel_id) if m["user"] == BOT_USER_ID]
    return list([m for m in cards if "thread_ts" not in m][-1]["blocks"])


def card_text(app: RunningApp) -> str:
    return json.dumps(card_blocks(app), ensure_ascii=False)


def post_transcript(app: RunningApp, payload: Any, *, raw: bytes | None = None) -> Reply:
    """POST /context/transcripts, signed with the app's secret at the app's time."""
    body = raw if raw is not None else json.dumps(payload).encode()
    stamp = str(int(app.clock.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature(WEBHOOK_SECRET, stamp, body),
    }
    response = _session().post(app.url + "/context/transcripts", data=body, headers=headers)
    return Reply(response.status_code, response.json(), dict(response.headers))


def state_of(view: dict[str, Any], **typed: str | None) -> dict[str, dict[str, Any]]:
    """What Slack reports when the modal is submitted as opened (pre-filled values kept),
    with ``typed`` values changed by the person."""
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        key, element = block["block_id"].removeprefix("field:"), block["element"]
        if element["type"] == "datepicker":
            value = typed.get(key, element.get("initial_date"))
            state[block["block_id"]] = {"type": "datepicker", "selected_date": value}
        else:
            value = typed.get(key, element.get("initial_value"))
            state[block["block_id"]] = {"type": "plain_text_input", "value": value}
    return state


def submit_modal(app: RunningApp, view: dict[str, Any], *, user: str, **typed: str | None) -> Reply:
    """Submit an opened details modal, handing back its private_metadata as Slack does."""
    metadata = json.loads(view["private_metadata"])
    form = view_submission(
        view["callback_id"],
        user_id=user,
        handoff_id=int(metadata["handoff_id"]),
        values=state_of(view, **typed),
        private_metadata=view["private_metadata"],
    )
    reply = post_to_slack_endpoint(app.url, form, secret=SIGNING_SECRET)
    app.settle()
    return reply


def open_details(app: RunningApp, *, user: str, handoff_id: int) -> dict[str, Any]:
    app.click("add_details", user=user, handoff_id=handoff_id)
    app.settle()
    return app.slack.views()[-1]


def sources(app: RunningApp) -> list[ContextSource]:
    with app.runtime.sessions.begin() as session:
        return list(session.scalars(select(ContextSource).order_by(ContextSource.id)))


def suggestions(app: RunningApp, **where: Any) -> list[ContextSuggestion]:
    with app.runtime.sessions.begin() as session:
        query = select(ContextSuggestion).order_by(ContextSuggestion.id)
        for name, value in where.items():
            query = query.where(getattr(ContextSuggestion, name) == value)
        return list(session.scalars(query))


def transcript_body(deal_id: str = "006Dn000004TmiQ", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": "gong-call-1",
        "deal_id": deal_id,
        "title": "discovery call",
        "occurred_at": "2026-11-20T15:00:00Z",
        "url": "https://acme.gong.io/call?id=1",
        "segments": as_segments(),
    }
    body.update(extra)
    return body
