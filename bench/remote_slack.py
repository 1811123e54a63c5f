"""The loopback Slack stand-in in a process of its own, for bench/interactive.py: validating
and recording what Handoff sends must not take the CPU from the clients timing acks."""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from multiprocessing.connection import Connection

from bot.sandbox import FakeSlack

TOKEN = "xoxb-bench"


def csm(n: int) -> str:
    return f"U0CSM{n:05d}"


def channel(n: int) -> str:
    """Each deal its own channel, so the cards of the seeded deals are all posted at once
    (Slack's pace is one message per second per channel) before the clients start."""
    return f"C0BENCH{n:04d}"


@dataclass(frozen=True)
class Seen:
    """One call the stand-in received, as far as this benchmark needs it."""

    method: str
    tag: str  # response_url: the ?r= tag; views.open: the trigger_id
    text: str
    at: float
    ok: bool


def _stand_in(pipe: Connection, clients: int, deals: int) -> None:
    slack = FakeSlack(token=TOKEN).start()
    slack.add_user("U0AE00001", email="ae@vendor.example", name="Ann Ae")
    for n in range(deals):
        slack.add_channel(channel(n), f"bench-deal-{n}")
    for n in range(clients):
        slack.add_user(csm(n), email=f"csm{n}@vendor.example", name=f"CSM {n}")
    pipe.send((slack.url, slack.response_url))
    while (since := pipe.recv()) is not None:
        pipe.send(
            [
                Seen(
                    call.method,
                    str(call.args.get("r") or call.args.get("trigger_id") or ""),
                    str(call.args.get("text") or ""),
                    call.at,
                    call.ok,
                )
                for call in slack.calls[since:]
            ]
        )
    slack.stop()


class RemoteSlack:
    def __init__(self, clients: int, deals: int) -> None:
        self._pipe, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_stand_in, args=(child, clients, deals), daemon=True
        )
        self._process.start()
        self.url, self.response_url = self._pipe.recv()

    def calls(self, since: int = 0) -> list[Seen]:
        self._pipe.send(since)
        seen: list[Seen] = self._pipe.recv()
        return seen

    def stop(self) -> None:
        self._pipe.send(None)
        self._process.join(timeout=10)
