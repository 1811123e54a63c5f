"""The demo's context scene: a discovery call's transcript shared in the deal channel turns into
a details modal the AE only has to check."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.sandbox.channel_events import ChannelEvents
from bot.sandbox.render import plain
from bot.sandbox.requests import view_submission

if TYPE_CHECKING:
    from bot.sandbox.demo import Demo

AE = "U0DANA0AE"
DISCOVERY_CALL = """WEBVTT

00:00:04.000 --> 00:00:09.000
<v Dana Whitfield>Thanks for making time, everyone. I'm Dana, the account executive for Acme.

00:00:10.000 --> 00:00:14.000
<v Priya Shah>Happy to. I'm Priya Shah, the CFO at Acme Corp.

00:00:15.000 --> 00:00:21.000
<v Tom Lee>And I'm Tom Lee, finance operations manager.
You can reach me at tom.lee@acmecorp.example.

00:12:31.000 --> 00:12:38.000
<v Priya Shah>Our main goal is to consolidate billing for our 14 entities into one system.

00:14:10.000 --> 00:14:16.000
<v Tom Lee>The biggest risk is the NetSuite migration, it has slipped twice already.

00:15:00.000 --> 00:15:06.000
<v Priya Shah>We need to be live by March 31 before the audit starts.

00:16:20.000 --> 00:16:28.000
<v Dana Whitfield>We'll have SSO live by January 15, and onboarding includes
two training sessions at no cost.

00:17:05.000 --> 00:17:10.000
<v Dana Whitfield>The recording is at https://calls.example/acme-discovery for anyone who missed it.
"""


def discovery_call(demo: Demo) -> None:
    out = demo.out
    out("\n   In the deal channel, the AE shares the transcript of last week's discovery call.")
    found = demo.slack.channel_by_name("handoff-acme-corp")
    assert found is not None
    day = (demo.clock.now() - timedelta(days=4)).date()
    people = ChannelEvents(
        demo.slack,
        app_url=demo.base_url,
        signing_secret=str(demo.runtime.settings.slack_signing_secret),
    )
    people.share_file(
        found["id"], AE, f"discovery-call-{day}.vtt", DISCOVERY_CALL.encode(), text="Our call"
    )
    demo.executor.drain()
    report = demo.runtime.context.run_once()
    demo.runtime.relay.run_once()
    out(
        f"   Handoff downloads it with the bot token and reads it: {report.suggestions} "
        "suggestions, each with the quote it came from. The card says they wait for the AE."
    )
    demo.show()


def keep_suggestions(demo: Demo) -> None:
    """The AE opens Add details, reads each suggestion's quote and saves it as it is."""
    demo.click("add_details", AE)
    view = demo.slack.views()[-1]
    demo.show()
    for block in view["blocks"]:
        if str(block.get("block_id", "")).startswith("suggestion:"):
            for element in block["elements"]:
                demo.out(f"      {plain(element['text'])}")
    demo.out("   The AE checks the quotes and saves the modal as it is.")
    form = view_submission(
        view["callback_id"],
        user_id=AE,
        handoff_id=int(json.loads(view["private_metadata"])["handoff_id"]),
        values=_as_opened(view),
        private_metadata=view["private_metadata"],
    )
    demo.slack_request(form)
    demo.show()


def _as_opened(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    state: dict[str, dict[str, Any]] = {}
    for block in view["blocks"]:
        if block["type"] == "input":
            element = block["element"]
            if element["type"] == "datepicker":
                state[block["block_id"]] = {
                    "type": "datepicker",
                    "selected_date": element.get("initial_date"),
                }
            else:
                state[block["block_id"]] = {
                    "type": "plain_text_input",
                    "value": element.get("initial_value"),
                }
    return state
