"""The commitments ledger through the Bolt app and the Slack stand-in: a promise found on a
call is proposed, reviewed at the sync, reminded before it is due, shown overdue, delivered;
who may do what; the modal's forms and their inline errors."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from bot.blocks.report import report_message
from bot.reporting.kpis import compute
from storage.commitment_models import Commitment
from storage.enums import AuditAction, CommitmentSource, CommitmentStatus, HandoffStatus
from storage.models import AuditEvent, FieldValue, Handoff
from tests.conftest import AE_ID, SIGNING_SECRET, RunningApp
from tests.support.commitments import choose_in_ledger
from tests.support.context import post_transcript, settle_context, transcript_body
from tests.support.signing import post_to_slack_endpoint, view_submission
from tests.support.team import ADMIN, COMPLETE, CSM, OUTSIDER, REVIEWER, start_handoff

pytestmark = pytest.mark.team

NO_PROMISES = {k: v for k, v in COMPLETE.items() if k != "promises_made"}


def ledger(app: RunningApp) -> list[Commitment]:
    return app.rows(Commitment)


def summary_field(app: RunningApp) -> str | None:
    found = [f for f in app.rows(FieldValue) if f.key == "promises_made"]
    return found[0].value if found else None


def submit_form(
    app: RunningApp,
    callback: str,
    *,
    user: str,
    handoff_id: int,
    values: dict[str, Any],
    commitment_id: int | None = None,
) -> Any:
    meta = json.dumps({"handoff_id": handoff_id, "commitment_id": commitment_id})
    form = view_submission(
        callback, user_id=user, handoff_id=handoff_id, values=values, private_metadata=meta
    )
    reply = post_to_slack_endpoint(app.url, form, secret=SIGNING_SECRET)
    app.settle()
    return reply


def text(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def commitment_values(what: str | None, due: str | None = None) -> dict[str, Any]:
    return {
        "commitment_text": text(what),
        "commitment_by": text("Dana Ae"),
        "commitment_to": text("Priya Shah"),
        "commitment_due": {"type": "datepicker", "selected_date": due},
        "commitment_owner": {"type": "users_select", "selected_user": None},
    }


def with_promise_from_a_call(app: RunningApp) -> int:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    assert app.rows(Handoff)[0].status is HandoffStatus.HELD
    assert post_transcript(app, transcript_body()).status == 202
    settle_context(app)
    return handoff_id


def sweep_to(app: RunningApp, moment: datetime) -> None:
    app.clock.set(moment)
    app.runtime.sweeper.sweep()
    app.relay()


def test_a_promise_on_a_call_is_tracked_from_the_sync_to_its_delivery(app: RunningApp) -> None:
    handoff_id = with_promise_from_a_call(app)
    [promise] = ledger(app)
    assert promise.status is CommitmentStatus.PROPOSED
    assert promise.source_kind is CommitmentSource.EXTRACTED
    assert promise.source_url == "https://acme.gong.io/call?id=1"
    assert promise.promised_by == "Dana Ae" and "SSO live" in (promise.source_quote or "")
    # The ledger's summary fills promises_made: the handoff is no longer held.
    assert (summary_field(app) or "").endswith("[proposed]")
    assert app.rows(Handoff)[0].status is HandoffStatus.OPEN
    assert any("proposed as commitments" in m["text"] for m in app.thread())
    # The details modal no longer asks for the field the ledger writes.
    app.click("add_details", user=AE_ID, handoff_id=handoff_id)
    app.settle()
    details = json.dumps(app.slack.views()[-1])
    assert "field:primary_use_case" in details and "field:promises_made" not in details

    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    card = json.dumps(app.cards()[0]["blocks"])
    assert '"review_commitments"' in card and "Commitments: 1 proposed" in card
    # Mark ready waits for the review.
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    assert "1 commitment(s) still wait for review" in app.ephemeral_texts()[-1]

    start = app.clock.now() + timedelta(days=1)
    app.submit(
        "handoff_sync",
        user=CSM,
        handoff_id=handoff_id,
        values={
            "sync_start": {"type": "datetimepicker", "selected_date_time": int(start.timestamp())},
            "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": "20"}},
            "sync_attendees": {"type": "multi_users_select", "selected_users": [AE_ID]},
        },
    )
    app.settle()
    agenda = next(m for m in app.thread() if "scheduled the handoff sync" in m["text"])
    assert "Commitments to confirm or drop" in agenda["text"] and "SSO live" in agenda["text"]
    assert '"review_commitments"' in json.dumps(agenda["blocks"])

    # At the sync the owner reviews: the modal opens from the agenda's button.
    app.clock.set(start + timedelta(minutes=5))
    app.click("review_commitments", user=CSM, handoff_id=handoff_id)
    app.settle()
    review = app.slack.views()[-1]
    assert review["callback_id"] == "handoff_commitment_review"
    decision = f"review_decision:{promise.id}"
    assert any(b.get("block_id") == decision for b in review["blocks"])
    reply = app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={decision: {"type": "radio_buttons", "selected_option": {"value": "confirm"}}},
    )
    assert reply.status == 200
    app.settle()
    [promise] = ledger(app)
    assert promise.status is CommitmentStatus.CONFIRMED and promise.confirmed_by == CSM
    assert promise.owner_slack_id == CSM
    assert (summary_field(app) or "").endswith("[confirmed]")
    # Now the reviewer may sign off.
    app.click("mark_ready", user=REVIEWER, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_ready"

    # Due dates are deadlines: one reminder before (2 working days), then overdue.
    assert promise.due_on is not None
    due = promise.due_on
    sweep_to(app, datetime.combine(due - timedelta(days=5), datetime.min.time(), tzinfo=UTC))
    assert not [t for t in app.dms(CSM) if "yours to keep" in t]
    sweep_to(app, datetime.combine(due, datetime.min.time(), tzinfo=UTC))
    sweep_to(app, datetime.combine(due, datetime.min.time(), tzinfo=UTC) + timedelta(hours=1))
    reminders = [t for t in app.dms(CSM) if "yours to keep" in t]
    assert len(reminders) == 1 and "SSO live" in reminders[0]
    sweep_to(app, datetime.combine(due + timedelta(days=3), datetime.min.time(), tzinfo=UTC))
    assert ":warning: Overdue:" in json.dumps(app.cards()[0]["blocks"])

    choose_in_ledger(app, f"delivered:{promise.id}", user=CSM, handoff_id=handoff_id)
    [promise] = ledger(app)
    assert promise.status is CommitmentStatus.DELIVERED and promise.delivered_at is not None
    assert "Overdue" not in json.dumps(app.cards()[0]["blocks"])
    actions = [a.action for a in app.rows(AuditEvent)]
    for step in (
        AuditAction.COMMITMENT_PROPOSED,
        AuditAction.COMMITMENT_CONFIRMED,
        AuditAction.COMMITMENT_REMINDED,
        AuditAction.COMMITMENT_OVERDUE,
        AuditAction.COMMITMENT_DELIVERED,
    ):
        assert actions.count(step) == 1, step


def test_the_ae_adds_edits_splits_and_merges_before_the_sync(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.choose("commitments", user=AE_ID, handoff_id=handoff_id)
    app.settle()
    assert app.slack.views()[-1]["callback_id"] == "handoff_commitments"

    reply = submit_form(
        app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
        values=commitment_values(" "),
    )  # fmt: skip
    assert reply.body["response_action"] == "errors"
    assert set(reply.body["errors"]) == {"commitment_text"}

    submit_form(
        app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
        values=commitment_values("SSO by January\nTwo free trainings", "2027-01-15"),
    )  # fmt: skip
    [entered] = ledger(app)
    assert entered.source_kind is CommitmentSource.ENTERED and entered.entered_by == AE_ID
    assert entered.due_on == date(2027, 1, 15) and entered.promised_to == "Priya Shah"
    assert app.rows(Handoff)[0].status is HandoffStatus.OPEN

    submit_form(
        app, "handoff_commitment_split", user=AE_ID, handoff_id=handoff_id,
        values={"commitment_parts": text("SSO by January\nTwo free trainings\nA sandbox")},
        commitment_id=entered.id,
    )  # fmt: skip
    rows = ledger(app)
    assert [r.text for r in rows] == ["SSO by January", "Two free trainings", "A sandbox"]
    assert all(r.due_on == date(2027, 1, 15) for r in rows)

    submit_form(
        app, "handoff_commitment_merge", user=AE_ID, handoff_id=handoff_id,
        values={
            "commitment_merge_with": {
                "type": "multi_static_select",
                "selected_options": [{"value": str(rows[2].id)}],
            },
            "commitment_text": text("Two free trainings in a sandbox"),
        },
        commitment_id=rows[1].id,
    )  # fmt: skip
    rows = ledger(app)
    assert rows[1].text == "Two free trainings in a sandbox"
    assert rows[2].status is CommitmentStatus.DROPPED
    assert rows[2].drop_reason == f"merged into #{rows[1].id}"
    assert summary_field(app) == (
        "SSO by January (Dana Ae → Priya Shah) by 2027-01-15 [proposed]\n"
        "Two free trainings in a sandbox (Dana Ae → Priya Shah) by 2027-01-15 [proposed]"
    )

    reply = submit_form(
        app, "handoff_commitment_drop", user=AE_ID, handoff_id=handoff_id,
        values={"commitment_reason": text("")}, commitment_id=rows[0].id,
    )  # fmt: skip
    assert set(reply.body["errors"]) == {"commitment_reason"}
    for row in ledger(app)[:2]:
        submit_form(
            app, "handoff_commitment_drop", user=AE_ID, handoff_id=handoff_id,
            values={"commitment_reason": text("Not promised after all")}, commitment_id=row.id,
        )  # fmt: skip
    # Every commitment dropped: the required summary is empty and the handoff is held again.
    assert summary_field(app) is None
    assert app.rows(Handoff)[0].status is HandoffStatus.HELD


def test_who_may_edit_confirm_and_drop(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    app.choose("commitments", user=OUTSIDER, handoff_id=handoff_id)
    assert app.ephemeral_texts()[-1].startswith(
        "Only the handoff's owner or a reviewer can confirm or drop the commitments"
    )
    submit_form(
        app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
        values=commitment_values("Dedicated Slack channel"),
    )  # fmt: skip
    [row] = ledger(app)
    # The AE proposes; only the owner, a reviewer or an admin confirms.
    choose_in_ledger(app, f"confirm:{row.id}", user=AE_ID, handoff_id=handoff_id)
    # A modal has no response_url: the refusal comes in the app's DM.
    assert "can confirm or drop the commitments" in app.dms(AE_ID)[-1]
    assert ledger(app)[0].status is CommitmentStatus.PROPOSED
    # A CSM who does not own the handoff may not add one.
    submit_form(
        app, "handoff_commitment_form", user="U0CSM0002", handoff_id=handoff_id,
        values=commitment_values("Something else"),
    )  # fmt: skip
    assert len(ledger(app)) == 1
    assert "Only the deal's AE can add or edit" in app.dms("U0CSM0002")[-1]

    # Once the sync has been held the AE no longer edits; an admin still may.
    start = app.clock.now() + timedelta(hours=1)
    app.submit(
        "handoff_sync",
        user=CSM,
        handoff_id=handoff_id,
        values={
            "sync_start": {"type": "datetimepicker", "selected_date_time": int(start.timestamp())},
            "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": "20"}},
            "sync_attendees": {"type": "multi_users_select", "selected_users": [AE_ID]},
        },
    )
    app.settle()
    app.clock.set(start + timedelta(minutes=30))
    submit_form(
        app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
        values=commitment_values("Too late"), commitment_id=row.id,
    )  # fmt: skip
    assert "The sync has been held" in app.dms(AE_ID)[-1]
    assert ledger(app)[0].text == "Dedicated Slack channel"
    submit_form(
        app, "handoff_commitment_form", user=ADMIN, handoff_id=handoff_id,
        values=commitment_values("Dedicated Slack Connect channel"), commitment_id=row.id,
    )  # fmt: skip
    assert ledger(app)[0].text == "Dedicated Slack Connect channel"

    # Dropping at the review needs a reason, inline.
    reply = app.submit(
        "handoff_commitment_review",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            f"review_decision:{row.id}": {
                "type": "radio_buttons",
                "selected_option": {"value": "drop"},
            }
        },
    )
    assert reply.body["errors"] == {f"review_reason:{row.id}": "Say why it is dropped."}
    app.submit(
        "handoff_commitment_review",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            f"review_decision:{row.id}": {
                "type": "radio_buttons",
                "selected_option": {"value": "drop"},
            },
            f"review_reason:{row.id}": text("Slack Connect is not in their plan"),
        },
    )
    app.settle()
    [row] = ledger(app)
    assert row.status is CommitmentStatus.DROPPED
    assert row.drop_reason == "Slack Connect is not in their plan"
    assert any("dropped the commitment" in m["text"] for m in app.thread())


def test_handoff_commitments_answers_privately(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    for what, due in (("SSO by January", "2026-11-25"), ("Two free trainings", None)):
        submit_form(
            app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
            values=commitment_values(what, due),
        )  # fmt: skip
    sso, trainings = ledger(app)
    app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={
            f"review_decision:{c.id}": {
                "type": "radio_buttons",
                "selected_option": {"value": "confirm"},
            }
            for c in (sso, trainings)
        },
    )
    app.settle()
    app.clock.set(datetime(2026, 11, 27, 10, tzinfo=UTC))

    def reply(text: str, user: str = CSM) -> dict[str, Any]:
        before = len(app.slack.responses())
        assert app.command(text, user=user).status == 200
        app.executor.drain()
        [answer] = app.slack.responses()[before:]
        assert answer["response_type"] == "ephemeral"
        return dict(answer)

    mine = reply("commitments")
    assert mine["text"] == "Your open commitments: 2"
    assert "SSO by January" in json.dumps(mine["blocks"])
    late = reply("commitments overdue", user=OUTSIDER)
    assert late["text"] == "Overdue commitments: 1" and "SSO by" in json.dumps(late["blocks"])
    assert "Two free trainings" not in json.dumps(late["blocks"])
    assert reply("commitments acme")["text"] == "Commitments for “acme”: 2"
    assert reply("commitments", user=OUTSIDER)["text"].endswith("No commitment here.")
    overdue = reply("overdue")
    assert "Overdue commitments: 1" in overdue["text"]


def test_two_weeks_in_the_feedback_settles_each_promise_and_the_ae_reads_it(
    app: RunningApp,
) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    for what in ("SSO by January", "A dedicated support engineer"):
        submit_form(
            app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
            values=commitment_values(what, "2026-12-10"),
        )  # fmt: skip
    sso, engineer = ledger(app)
    app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={
            f"review_decision:{c.id}": {
                "type": "radio_buttons",
                "selected_option": {"value": "confirm"},
            }
            for c in (sso, engineer)
        },
    )
    app.settle()
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()
    assert app.rows(Handoff)[0].status is HandoffStatus.READY
    app.submit(
        "handoff_kickoff",
        user=CSM,
        handoff_id=handoff_id,
        values={"kickoff_day": {"type": "datepicker", "selected_date": "2026-11-23"}},
    )
    app.settle()
    app.clock.advance(timedelta(days=14, hours=1))
    app.runtime.sweeper.sweep()
    app.relay()

    app.click("write_feedback", user=CSM, handoff_id=handoff_id)
    app.settle()
    form = app.slack.views()[-1]
    asked = {b.get("block_id") for b in form["blocks"]}
    assert {f"commitment_feedback:{sso.id}", f"commitment_feedback:{engineer.id}"} <= asked

    def pick(value: str) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": value}}

    values = {
        "went_well": text("Clear goals"),
        "missing_context": text("Nothing"),
        "signals": text("Busy channel"),
        f"commitment_feedback:{sso.id}": pick("delivered"),
        f"commitment_feedback:{engineer.id}": pick("not_ours"),
        f"commitment_missing:{engineer.id}": text("Support tiers are sold separately"),
    }
    assert app.submit("handoff_feedback", user=CSM, handoff_id=handoff_id, values=values).status
    app.settle()
    sso, engineer = ledger(app)
    assert (sso.status, sso.feedback) == (CommitmentStatus.DELIVERED, "delivered")
    assert engineer.status is CommitmentStatus.DROPPED
    assert engineer.drop_reason == "not ours to keep: Support tiers are sold separately"
    [delivered] = [
        c.args
        for c in app.slack.calls_to("chat.postMessage")
        if c.ok and c.args.get("channel") == AE_ID and "sent feedback" in str(c.args.get("text"))
    ]
    said = json.dumps(delivered["blocks"], ensure_ascii=False)
    assert "*Commitments*" in said and "“SSO by January”: Delivered" in said
    assert "Not ours to keep — missing: Support tiers are sold separately" in said


def test_the_weekly_kpis_count_the_ledger_and_what_survived_the_sync(app: RunningApp) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    for what, due in (("SSO", "2026-11-26"), ("Trainings", "2026-11-24"), ("Free seats", None)):
        submit_form(
            app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
            values=commitment_values(what, due),
        )  # fmt: skip
    sso, trainings, seats = ledger(app)

    def decide(value: str) -> dict[str, Any]:
        return {"type": "radio_buttons", "selected_option": {"value": value}}

    app.submit(
        "handoff_commitment_review",
        user=CSM,
        handoff_id=handoff_id,
        values={
            f"review_decision:{sso.id}": decide("confirm"),
            f"review_decision:{trainings.id}": decide("confirm"),
            f"review_decision:{seats.id}": decide("drop"),
            f"review_reason:{seats.id}": text("Seats are list price"),
        },
    )
    app.settle()
    app.clock.set(datetime(2026, 11, 25, 10, tzinfo=UTC))
    choose_in_ledger(app, f"delivered:{sso.id}", user=CSM, handoff_id=handoff_id)  # on time
    choose_in_ledger(app, f"at_risk:{trainings.id}", user=CSM, handoff_id=handoff_id)
    choose_in_ledger(app, f"delivered:{trainings.id}", user=CSM, handoff_id=handoff_id)  # late

    report = compute(
        app.runtime.sessions, app.runtime.playbook, week_start=datetime(2026, 11, 23, tzinfo=UTC)
    )
    kpis = report.commitments
    assert kpis is not None
    assert (kpis.confirmed, kpis.delivered, kpis.at_risk, kpis.dropped) == (2, 2, 1, 1)
    assert kpis.delivered_on_time == 0.5
    assert kpis.survived_per_ae == {AE_ID: (2, 3)}
    said = json.dumps(report_message(report).blocks, ensure_ascii=False)
    assert "*Commitments*: 2 confirmed, 2 delivered (50% on time), 1 at risk, 1 dropped" in said
    assert f"<@{AE_ID}> 2 of 3" in said
    # The week before saw none of it.
    earlier = compute(
        app.runtime.sessions, app.runtime.playbook, week_start=datetime(2026, 11, 16, tzinfo=UTC)
    )
    assert earlier.commitments is not None and earlier.commitments.confirmed == 0


def test_forgetting_the_context_keeps_the_ledger_without_the_quotes(app: RunningApp) -> None:
    with_promise_from_a_call(app)
    assert ledger(app)[0].source_quote
    app.command("forget Acme", user=ADMIN)
    app.executor.drain()
    [promise] = ledger(app)
    assert promise.source_quote is None and promise.status is CommitmentStatus.PROPOSED
    assert promise.source_url == "https://acme.gong.io/call?id=1"


def test_an_exception_lets_a_reviewer_sign_off_with_commitments_unreviewed(
    app: RunningApp,
) -> None:
    handoff_id = start_handoff(app, fields=NO_PROMISES)
    app.click("claim", user=CSM, handoff_id=handoff_id)
    app.settle()
    submit_form(
        app, "handoff_commitment_form", user=AE_ID, handoff_id=handoff_id,
        values=commitment_values("SSO by January"),
    )  # fmt: skip
    menu = json.dumps(app.cards()[0]["blocks"])
    assert f'"grant_exception:{handoff_id}"' in menu
    app.submit(
        "handoff_exception",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={"exception_reason": text("The CSM reviews them at kickoff")},
    )
    app.settle()
    [granted] = [a for a in app.rows(AuditEvent) if a.action is AuditAction.EXCEPTION_GRANTED]
    assert granted.detail["unreviewed_commitments"] == 1
    app.submit(
        "handoff_ready",
        user=REVIEWER,
        handoff_id=handoff_id,
        values={
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [{"value": "brief_reviewed"}],
            }
        },
    )
    app.settle()
    assert app.rows(Handoff)[0].status is HandoffStatus.READY
