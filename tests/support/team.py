"""The team and handoffs the workflow tests share."""

from __future__ import annotations

from typing import Any

from bot.config.playbook import Playbook
from tests.conftest import AE_ID, RunningApp
from tests.support.events import deal_event

CSM = "U0CSM0001"
CSM_IN_GROUP = "U0CSM0002"
REVIEWER = "U0REV0001"
ADMIN = "U0ADMIN01"
OUTSIDER = "U0SALES02"
CS_CHANNEL = "C0CSTEAM1"
COMPLETE = {
    "primary_use_case": "Consolidate billing",
    "success_metrics": "DSO −10 days",
    "decision_makers": "Priya Shah (CFO)",
    "promises_made": "SSO in month one",
}


def team_playbook(playbook: Playbook) -> Playbook:
    team = playbook.team.model_copy(
        update={"csms": [CSM, "@cs-team"], "reviewers": [REVIEWER], "admins": [ADMIN]}
    )
    channels = playbook.channels.model_copy(update={"cs_channel_id": CS_CHANNEL})
    return playbook.model_copy(update={"team": team, "channels": channels})


def seed_team(app: RunningApp) -> None:
    for user, name in (
        (CSM_IN_GROUP, "Grace Group"),
        (REVIEWER, "Rita Reviewer"),
        (ADMIN, "Ada Admin"),
        (OUTSIDER, "Sam Sales"),
    ):
        app.slack.add_user(user, email=f"{user.lower()}@vendor.example", name=name)
    app.slack.add_usergroup("S0CSTEAM", "cs-team", [CSM_IN_GROUP])
    app.slack.add_channel(CS_CHANNEL, "cs-team")


def start_handoff(app: RunningApp, fields: dict[str, Any] | None = None, **deal: Any) -> int:
    event_id = f"evt_start_{deal.get('id', 'acme')}"
    reply = app.send(deal_event(event_id, fields=fields, **deal))
    assert reply.status == 202, reply.body
    app.relay()
    return int(reply.body["handoff_id"])


def field_state(**values: str | None) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        if key == "customer_timeline":
            state[f"field:{key}"] = {"type": "datepicker", "selected_date": value}
        else:
            state[f"field:{key}"] = {"type": "plain_text_input", "value": value}
    return state


__all__ = ["AE_ID"]
