"""Benchmark: Slack calls per card and time to the last card, for a burst to known channels.

    python bench/slack_calls.py [--deals 1000] [--channels 8] [--aes 20] [--replicas 2]
                                [--database-url URL]

N deals reach C channels the bot and the AEs are already in, each with its own deal channel
given by the CRM. R replicas relay them from one database, ticking once a second on an
injected clock, against the loopback Slack stand-in (which stamps every call with that clock).
Prints, each next to its floor measured in the same run:

- Slack calls per card (floor: 1, the chat.postMessage itself), by method;
- the upkeep of each deal's brief in its channel's canvas, counted apart so the figure per card
  stays comparable (floor: 1 call per brief, its create or its insert);
- time to the last card on the injected clock (floor: N/C seconds at Slack's one message per
  second per channel);
- the pace check: the shortest gap between two posts to one channel (must be >= 1 s, across
  replicas), and copies of any card (must be 0).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app as handoff_app
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.crm.events import Deal, DealEvent
from bot.delivery.canvas_upkeep import CANVAS_METHODS
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.canvas_models import BriefCanvas
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Handoff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=1000)
    parser.add_argument("--channels", type=int, default=8)
    parser.add_argument("--aes", type=int, default=20)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    clock = ManualClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    slack = FakeSlack(token="xoxb-bench", now=lambda: clock.now().timestamp()).start()
    channels = [f"C0BENCH{n:03d}" for n in range(args.channels)]
    aes = [f"U0AE{n:05d}" for n in range(args.aes)]
    for n, user in enumerate(aes):
        slack.add_user(user, email=f"ae{n}@vendor.example", name=f"AE {n}")
    for channel in channels:
        slack.add_channel(channel, channel.lower())
        slack.workspace.channels[channel].members.update(aes)

    with tempfile.TemporaryDirectory(prefix="handoff-bench-slack-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        settings = Settings(
            slack_bot_token="xoxb-bench", slack_signing_secret="s", slack_api_url=slack.url
        )
        playbook = load_playbook()
        replicas = [
            handoff_app.build_runtime(settings, playbook=playbook, clock=clock, engine=engine)
            for _ in range(args.replicas)
        ]
        intake = replicas[0].intake
        for n in range(args.deals):
            intake.ingest_deal_event(
                event=DealEvent(
                    source="webhook",
                    external_id=f"bench-{n}",
                    occurred_at=clock.now(),
                    deal=Deal(
                        id=f"006BENCH{n:08d}",
                        name=f"Deal {n}",
                        stage="Closed Won",
                        account_name=f"Account {n}",
                        ae_email=f"ae{n % args.aes}@vendor.example",
                        slack_channel_id=channels[n % args.channels],
                        fields={"primary_use_case": "Billing"},
                    ),
                )
            )
        before = len(slack.calls)
        started = clock.now()
        with replicas[0].sessions.begin() as session:
            total = session.query(Handoff).count()
        for _ in range(args.deals * 4 + 60):
            for replica in replicas:
                replica.relay.run_once()
            with replicas[0].sessions.begin() as session:
                waiting = session.query(Handoff).filter(Handoff.card_ts.is_(None)).count()
            if not waiting:
                break
            clock.advance(timedelta(seconds=1))
        for replica in replicas:  # what the cards queued (invitations), sent as the next tick would
            replica.relay.run_once()
        for _ in range(60):  # the briefs' canvases still being written, if any
            with replicas[0].sessions.begin() as session:
                dirty = session.query(BriefCanvas).filter(BriefCanvas.dirty.is_(True)).count()
            if not dirty:
                break
            clock.advance(timedelta(seconds=1))
            for replica in replicas:
                replica.relay.run_once()
        with replicas[0].sessions.begin() as session:
            modes = Counter(row.mode for row in session.query(BriefCanvas))
        all_calls = slack.calls[before:]
        calls = [c for c in all_calls if c.method not in CANVAS_METHODS]
        canvas_calls = [c for c in all_calls if c.method in CANVAS_METHODS]
        slack.stop()
        engine.dispose()

    posts = [c for c in calls if c.method == "chat.postMessage" and c.ok and "metadata" in c.args]
    copies = Counter(
        str(call.response["message"]["metadata"]["event_payload"]["handoff_id"]) for call in posts
    )
    twice = sum(1 for n in copies.values() if n > 1)
    by_channel: dict[str, list[float]] = defaultdict(list)
    for call in posts:
        by_channel[str(call.args["channel"])].append(call.at)
    gaps = [b - a for stamps in by_channel.values() for a, b in pairwise(sorted(stamps))]
    last = max(call.at for call in posts) - started.timestamp()
    floor_seconds = args.deals / args.channels
    per_card = len(calls) / max(len(posts), 1)
    methods = ", ".join(f"{m} {n}" for m, n in Counter(c.method for c in calls).most_common())

    print(
        f"burst: {args.deals} deals to {args.channels} known channels, {args.aes} AEs, "
        f"{args.replicas} replicas on {'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}"
    )
    print(f"cards posted: {len(posts)} of {total}; cards posted twice: {twice}")
    print(
        f"Slack calls per card: {per_card:.3f}   floor 1.000   ratio {per_card:.2f}x   ({methods})"
    )
    print(
        f"time to last card (injected clock): {last:.0f} s   floor N/C {floor_seconds:.0f} s   "
        f"ratio {last / floor_seconds:.2f}x"
    )
    briefs = sum(modes.values())
    per_brief = len(canvas_calls) / max(briefs, 1)
    canvas_methods = ", ".join(
        f"{m} {n}" for m, n in Counter(c.method for c in canvas_calls).most_common()
    )
    print(
        f"canvas upkeep, apart from the cards: {briefs} briefs ({modes.get('channel', 0)} "
        f"channel canvases, {modes.get('section', 0)} sections of a shared one): "
        f"{per_brief:.3f} calls per brief   floor 1.000 (one create or insert each)   "
        f"ratio {per_brief:.2f}x   ({canvas_methods})"
    )
    print(
        f"pace check: shortest gap between posts to one channel {min(gaps):.2f} s "
        f"(Slack: >= 1 s)  -> {'ok' if min(gaps) >= 1.0 else 'VIOLATED'}"
    )


if __name__ == "__main__":
    main()
