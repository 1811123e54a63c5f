"""The requests of bench/interactive.py: each kind's N signed forms for a round, firing them at
once, and when the stand-in received each answer."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import requests

from bench.remote_slack import RemoteSlack, csm
from bot.sandbox.requests import block_action, signed_headers, slash_command, view_submission

SECRET = "bench-signing-secret"
KINDS = ("claim (button)", "details (modal submission)", "/handoff status", "add details (button)")


@dataclass
class Shot:
    sent: float  # time.time() when the request left
    ack_ms: float
    status: int
    tag: str  # what the stand-in will see for this request (response_url tag, trigger_id)


def fire(url: str, forms: list[tuple[str, dict[str, str]]]) -> list[Shot]:
    """Send every form at once, one thread and one fresh connection each."""
    barrier = threading.Barrier(len(forms))
    shots: list[Shot | None] = [None] * len(forms)

    def one(index: int, tag: str, form: dict[str, str]) -> None:
        body = urlencode(form).encode()
        headers = signed_headers(SECRET, body, content_type="application/x-www-form-urlencoded")
        session = requests.Session()
        session.trust_env = False
        barrier.wait()
        sent, started = time.time(), time.perf_counter()
        response = session.post(url + "/slack/events", data=body, headers=headers, timeout=30)
        shots[index] = Shot(sent, (time.perf_counter() - started) * 1000, response.status_code, tag)
        session.close()

    threads = [
        threading.Thread(target=one, args=(i, tag, form)) for i, (tag, form) in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [shot for shot in shots if shot is not None]


def with_trigger(form: dict[str, str], trigger: str) -> dict[str, str]:
    payload = json.loads(form["payload"])
    payload["trigger_id"] = trigger
    return {"payload": json.dumps(payload)}


def round_forms(
    slack: RemoteSlack, names: list[str], first: int, clients: int, round_no: str
) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """The N requests of each kind for one round: handoffs ``first`` … ``first + N - 1``."""
    ids = range(first + 1, first + clients + 1)  # handoff ids follow the seeding order
    answer_to = slack.response_url
    details = {"field:primary_use_case": {"type": "plain_text_input", "value": "Invoicing"}}
    return {
        KINDS[0]: [
            ("", block_action("claim", user_id=csm(n), value=str(h), response_url=answer_to))
            for n, h in enumerate(ids)
        ],
        KINDS[1]: [
            ("", view_submission("handoff_fields", user_id=csm(n), handoff_id=h, values=details))
            for n, h in enumerate(ids)
        ],
        KINDS[2]: [
            (
                tag,
                slash_command(
                    f"status {names[h - 1]}", user_id=csm(n), response_url=f"{answer_to}?r={tag}"
                ),
            )
            for n, h in enumerate(ids)
            for tag in [f"s{round_no}-{n}"]
        ],
        KINDS[3]: [
            (
                tag,
                with_trigger(
                    block_action(
                        "add_details", user_id=csm(n), value=str(h), response_url=answer_to
                    ),
                    tag,
                ),
            )
            for n, h in enumerate(ids)
            for tag in [f"t{round_no}-{n}"]
        ],
    }


def answered_at(
    slack: RemoteSlack, kind: str, tags: set[str], since: int, timeout: float = 30
) -> dict[str, float]:
    """When the stand-in received each tagged answer (response_url POST or views.open)."""
    deadline = time.monotonic() + timeout
    while True:
        if kind == KINDS[2]:
            seen = {c.tag: c.at for c in slack.calls(since) if c.method == "response_url"}
        else:
            seen = {c.tag: c.at for c in slack.calls(since) if c.method == "views.open"}
        found = {tag: seen[tag] for tag in tags if tag in seen}
        if len(found) == len(tags) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)
