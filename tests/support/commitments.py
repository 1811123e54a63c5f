"""Acting on the commitments ledger as a person would, through the signed Slack endpoint."""

from __future__ import annotations

import json

from tests.conftest import SIGNING_SECRET, RunningApp
from tests.support.signing import modal_action, post_to_slack_endpoint


def choose_in_ledger(app: RunningApp, value: str, *, user: str, handoff_id: int) -> None:
    """An option (``"<step>:<commitment id>"``) of a commitment's menu in the open
    Commitments modal, chosen by ``user``; the after-ack work is settled."""
    form = modal_action(
        "commitment_menu", user_id=user, handoff_id=handoff_id,
        callback_id="handoff_commitments", values={},
    )  # fmt: skip
    payload = json.loads(form["payload"])
    payload["actions"][0] = {
        "action_id": "commitment_menu",
        "block_id": "commitment",
        "type": "overflow",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": value},
        "action_ts": "1.2",
    }
    post_to_slack_endpoint(app.url, {"payload": json.dumps(payload)}, secret=SIGNING_SECRET)
    app.settle()
