"""One accountable owner: claim (and the race for it), reassign, release, and every refusal."""

from __future__ import annotations

import json
import threading

import pytest

from bot.sandbox import Fault
from storage.enums import AuditAction
from storage.models import AuditEvent, Handoff
from tests.conftest import AE_ID, RunningApp
from tests.support.team import (
    ADMIN,
    CSM,
    CSM_IN_GROUP,
    OUTSIDER,
    REVIEWER,
    start_handoff,
)

pytestmark = pytest.mark.team


def owner(app: RunningApp) -> str | None:
    return app.rows(Handoff)[0].owner_slack_id


def test_csm_claims_and_the_card_and_thread_say_so(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    assert app.click("claim", user=CSM, handoff_id=handoff_id).status == 200
    report = app.settle()
    assert owner(app) == CSM
    assert report.updated == 1
    card = json.dumps(app.cards()[0]["blocks"])
    assert f"*Owner*\\n<@{CSM}>" in card
    assert [m["text"] for m in app.thread()] == [
        f":raising_hand: <@{CSM}> claimed this handoff and owns it now."
    ]
    [audit] = [a for a in app.rows(AuditEvent) if a.action is AuditAction.CLAIMED]
    assert audit.actor == CSM and audit.detail == {"owner": [None, CSM]}


def test_csm_by_user_group_may_claim(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM_IN_GROUP, handoff_id=handoff_id)
    app.settle()
    assert owner(app) == CSM_IN_GROUP


@pytest.mark.parametrize("who", [AE_ID, REVIEWER, OUTSIDER])
def test_only_csms_may_claim(app: RunningApp, who: str) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=who, handoff_id=handoff_id)
    [refusal] = app.ephemeral_texts()
    assert refusal.startswith("Only a CSM can claim this handoff")
    assert f"<@{CSM}>" in refusal and "@cs-team" in refusal and f"<@{ADMIN}>" in refusal
    assert owner(app) is None and app.thread() == []


def test_admin_may_do_anything(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=ADMIN, handoff_id=handoff_id)
    app.settle()
    assert owner(app) == ADMIN


def test_two_csms_clicking_at_once_exactly_one_wins(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    barrier = threading.Barrier(2)
    replies = {}

    def click(user: str) -> None:
        barrier.wait()
        replies[user] = app.click("claim", user=user, handoff_id=handoff_id)

    threads = [threading.Thread(target=click, args=(u,)) for u in (CSM, CSM_IN_GROUP)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.settle()

    assert all(reply.status == 200 for reply in replies.values())
    winner = owner(app)
    loser = CSM_IN_GROUP if winner == CSM else CSM
    assert winner in (CSM, CSM_IN_GROUP)
    [refusal] = app.ephemeral_texts()
    assert refusal == f"<@{winner}> claimed this handoff first; they own it now."
    claims = [a for a in app.rows(AuditEvent) if a.action is AuditAction.CLAIMED]
    assert [a.actor for a in claims] == [winner]
    assert loser not in json.dumps(app.cards()[0]["blocks"])


def test_reassign_opens_a_user_picker_and_moves_ownership(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("reassign", user=CSM, handoff_id=handoff_id)
    app.settle()
    [view] = app.slack.views()
    assert view["callback_id"] == "handoff_reassign"
    assert view["blocks"][0]["element"]["initial_user"] == CSM

    state = {"new_owner": {"type": "users_select", "selected_user": CSM_IN_GROUP}}
    assert (
        app.submit("handoff_reassign", user=CSM, handoff_id=handoff_id, values=state).status == 200
    )
    app.settle()
    assert owner(app) == CSM_IN_GROUP
    assert app.thread()[-1]["text"] == (
        f":arrows_counterclockwise: <@{CSM}> reassigned this handoff "
        f"from <@{CSM}> to <@{CSM_IN_GROUP}>."
    )


def test_reviewer_may_reassign_but_not_to_a_non_csm(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    state = {"new_owner": {"type": "users_select", "selected_user": OUTSIDER}}
    app.submit("handoff_reassign", user=REVIEWER, handoff_id=handoff_id, values=state)
    app.settle()
    assert owner(app) == CSM
    [dm] = app.dms(REVIEWER)
    assert f"<@{OUTSIDER}> is not a CSM" in dm


def test_ae_may_not_reassign(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("reassign", user=AE_ID, handoff_id=handoff_id)
    [refusal] = app.ephemeral_texts()
    assert refusal.startswith("Only the handoff's owner or a reviewer can reassign")
    assert f"the owner is <@{CSM}>" in refusal
    assert app.slack.views() == []


def test_owner_releases_and_others_may_not(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.click("release", user=CSM_IN_GROUP, handoff_id=handoff_id)
    app.settle()
    assert owner(app) == CSM
    assert app.ephemeral_texts()[0].startswith("Only the handoff's owner can release")

    app.click("release", user=CSM, handoff_id=handoff_id)
    app.settle()
    assert owner(app) is None
    assert "_Unclaimed_" in json.dumps(app.cards()[0]["blocks"])
    assert "released this handoff" in app.thread()[-1]["text"]


def test_clicks_are_acked_before_slow_user_group_lookups(app: RunningApp) -> None:
    """A Slack that is slow to list user groups must not hold the HTTP answer to a click."""
    release = threading.Event()
    app.slack.inject(Fault("hold", method="usergroups.list", release=release))
    handoff_id = start_handoff(app)
    reply = app.click("claim", user=CSM_IN_GROUP, handoff_id=handoff_id)
    assert reply.status == 200
    assert owner(app) is None  # the lookup is still waiting on Slack
    release.set()
    app.settle()
    assert owner(app) == CSM_IN_GROUP


def test_app_home_claim_refusal_goes_to_the_dm(app: RunningApp) -> None:
    handoff_id = start_handoff(app)
    app.click("claim", user=OUTSIDER, handoff_id=handoff_id, home=True)
    [dm] = app.dms(OUTSIDER)
    assert dm.startswith("Only a CSM can claim")
