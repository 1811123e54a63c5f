"""What the offline demo walks through: a first day in Slack, then the weeks after."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.sandbox.demo_context import discovery_call, keep_suggestions

if TYPE_CHECKING:
    from bot.sandbox.demo import Demo

AE, CSM, REVIEWER, OTHER_AE = "U0DANA0AE", "U0CASEYCS", "U0RITAREV", "U0SAMSALE"


def deal_event(event_id: str, demo: Demo, fields: dict[str, str], **deal: Any) -> dict[str, Any]:
    body = {
        "id": "006Dn000004TmiQ",
        "name": "Acme — Platform",
        "stage": "Closed Won",
        "account_name": "Acme Corp",
        "amount": 120000,
        "currency": "USD",
        "close_date": "2026-11-21",
        "owner_email": "dana@acme-vendor.example",
        "url": "https://crm.example/deals/006Dn000004TmiQ",
        "fields": fields,
        **deal,
    }
    occurred = demo.clock.now() - timedelta(minutes=1)
    return {
        "id": event_id,
        "type": "deal.updated",
        "occurred_at": occurred.isoformat().replace("+00:00", "Z"),
        "deal": body,
    }


def first_day(demo: Demo) -> None:
    out = demo.out
    out("Handoff offline demo: the real app, a local Slack stand-in, a temporary database.")
    out("\n1. The CRM reports Acme — Platform as Closed Won, 2 of 4 required fields filled.")
    first = deal_event(
        "evt_demo_1",
        demo,
        {"primary_use_case": "Consolidate billing", "success_metrics": "DSO −10 days"},
    )
    demo.send(first)
    demo.show()

    out("\n2. The CRM delivers the same event again. Nothing new is posted.")
    demo.send(first)
    demo.show()

    out(
        "\n3. The AE adds the decision makers and saves what they have; a discovery call "
        "fills in the rest."
    )
    demo.click("add_details", AE)
    demo.press_in_modal(
        "save_draft",
        "Save what I have",
        AE,
        {
            "field:decision_makers": {
                "type": "plain_text_input",
                "value": "Priya Shah (CFO)\nTom Lee (VP Finance Ops)",
            }
        },
    )
    demo.show()
    discovery_call(demo)
    out("   The AE opens Add details: the empty fields are filled in from the call.")
    keep_suggestions(demo)

    out("\n4. Another AE tries to claim it; a CSM claims it.")
    demo.click("claim", OTHER_AE)
    demo.show()
    demo.click("claim", CSM)
    demo.show()


def weeks_later(demo: Demo) -> None:
    out = demo.out
    out(
        "\n5. The CSM schedules the 20-minute handoff sync for tomorrow; everyone gets the "
        "invite, and the agenda lists the promise found on the call."
    )
    demo.click("schedule_sync", CSM)
    start = demo.clock.now() + timedelta(days=1)
    demo.submit(
        "handoff_sync",
        CSM,
        {
            "sync_start": {"type": "datetimepicker", "selected_date_time": int(start.timestamp())},
            "sync_minutes": {"type": "radio_buttons", "selected_option": {"value": "20"}},
            "sync_attendees": {"type": "multi_users_select", "selected_users": [AE, CSM, REVIEWER]},
        },
    )
    demo.show()
    demo.later(start - demo.clock.now() - timedelta(minutes=14), "14 minutes before the sync")
    demo.show()
    demo.later(timedelta(minutes=10), "at the sync")
    out("   The CSM confirms the promise: it is theirs to keep now, and dated.")
    demo.click("review_commitments", CSM)
    demo.submit(
        "handoff_commitment_review",
        CSM,
        {
            "review_decision:1": {
                "type": "radio_buttons",
                "selected_option": {"value": "confirm"},
            }
        },
    )
    demo.show()
    demo.later(timedelta(minutes=25), "the sync is over")
    demo.show()
    demo.submit(
        "handoff_outcomes",
        CSM,
        {
            "outcome_summary": {"type": "plain_text_input", "value": "SSO first, then NetSuite"},
            "outcome_actions": {"type": "plain_text_input", "value": "Dana: intro to the IT lead"},
            "outcome_concerns": {"type": "plain_text_input", "value": "Q1 NetSuite date is tight"},
        },
    )
    demo.show()
    out("\n6. The reviewer reads the brief and marks the handoff ready.")
    demo.click("mark_ready", REVIEWER)
    demo.submit(
        "handoff_ready",
        REVIEWER,
        {
            "ready_confirm": {
                "type": "checkboxes",
                "selected_options": [
                    {"value": "brief_reviewed"},
                    {"value": "success_plan_reviewed"},
                ],
            }
        },
    )
    demo.full_cards = True  # the signed-off card in full: its checklist and commitments
    demo.show()
    demo.full_cards = False

    out("\n7. The customer kickoff is held, first value follows; the CSM is asked for feedback.")
    demo.submit(
        "handoff_kickoff",
        CSM,
        {
            "kickoff_day": {
                "type": "datepicker",
                "selected_date": demo.clock.now().date().isoformat(),
            }
        },
    )
    demo.show()
    demo.later(timedelta(days=3), "three days later the customer runs its first invoices")
    demo.choose("first_value", "First value reached", CSM)
    demo.show()
    demo.later(timedelta(days=11, hours=1), "two weeks after the kickoff")
    demo.show()
    demo.submit(
        "handoff_feedback",
        CSM,
        {
            "went_well": {"type": "plain_text_input", "value": "Clear goals and a named sponsor"},
            "missing_context": {"type": "plain_text_input", "value": "The NetSuite timeline"},
            "signals": {"type": "plain_text_input", "value": "The CFO joined the kickoff"},
            "accuracy:primary_use_case": {
                "type": "static_select",
                "selected_option": {"value": "accurate"},
            },
            "accuracy:promises_made": {
                "type": "static_select",
                "selected_option": {"value": "partly"},
            },
            # The promise made on the call, two weeks in: delivered.
            "commitment_feedback:1": {
                "type": "static_select",
                "selected_option": {"value": "delivered"},
            },
        },
    )
    demo.show()

    out("\n8. Another deal closes and nobody picks it up: a nudge at 24 h, an escalation at 48 h.")
    complete = {
        "primary_use_case": "Payroll",
        "success_metrics": "Close in 3 days",
        "decision_makers": "Ana (COO)",
        "promises_made": "None",
    }
    demo.send(
        deal_event(
            "evt_demo_globex",
            demo,
            complete,
            id="006GLOBEX0000001",
            name="Globex — Payroll",
            account_name="Globex",
        )
    )
    demo.show()
    demo.later(timedelta(hours=24, minutes=1), "a day passes")
    demo.show()
    demo.later(timedelta(hours=24), "another day passes")
    demo.show()

    out("\n9. Monday morning: the weekly KPI report reaches the leadership channel.")
    now = demo.clock.now()
    monday = now + timedelta(days=(7 - now.weekday()) % 7 or 7)
    demo.later(monday.replace(hour=9, minute=5) - now, "Monday, 09:05")
    demo.runtime.reports.tick()
    demo.runtime.relay.run_once()
    demo.show()
