"""CRM events that arrive together over several connections are applied a group at a time:
one transaction, a statement per table for the new deals, every other event one by one in
arrival order; each request gets its own event's outcome, and a group the database refuses is
applied again event by event.

The groups are made deterministic by holding the intake's turn while the requests queue."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import new_deals
from storage.enums import AuditAction, DeadlineKind
from storage.models import AuditEvent, Deadline, FieldValue, Handoff, InboxEvent
from tests.conftest import START, RunningApp
from tests.support.events import deal_event
from tests.support.signing import Reply
from tests.support.waiting import wait_until


def send_together(app: RunningApp, payloads: list[dict[str, Any]]) -> list[Reply]:
    """Send every payload while a group is being applied, in this order; then let them go."""
    group = app.runtime.deal_events
    with ThreadPoolExecutor(len(payloads)) as pool:
        with group._turn:
            futures = []
            for payload in payloads:
                futures.append(pool.submit(app.send, payload))
                queued = len(futures)
                wait_until(lambda queued=queued: len(group._waiting) == queued)
        return [future.result() for future in futures]


@contextmanager
def transactions(app: RunningApp) -> Iterator[list[object]]:
    begun: list[object] = []

    def count(connection: object) -> None:
        begun.append(connection)

    event.listen(app.runtime.engine, "begin", count)
    try:
        yield begun
    finally:
        event.remove(app.runtime.engine, "begin", count)


def test_new_deals_sent_together_are_written_in_one_transaction(app: RunningApp) -> None:
    alone = app.send(deal_event("evt_alone", id="006ALONE"))
    assert alone.status == 202
    with transactions(app) as begun:
        replies = send_together(
            app, [deal_event(f"evt_{n}", id=f"006GROUP{n:02d}") for n in range(12)]
        )

    assert [reply.status for reply in replies] == [202] * 12
    ids = [reply.body["handoff_id"] for reply in replies]
    assert len(set(ids)) == 12
    assert len(begun) == 1  # one group, one transaction (each alone: twelve)
    handoffs = {h.id: h for h in app.rows(Handoff)}
    first = handoffs[alone.body["handoff_id"]]
    for n, handoff_id in enumerate(ids):
        handoff = handoffs[handoff_id]
        assert handoff.deal_id == f"006GROUP{n:02d}"
        assert replies[n].body["status"] == handoff.status.value == first.status.value
        assert (handoff.sla_warn_at, handoff.sla_due_at) == (first.sla_warn_at, first.sla_due_at)
        assert handoff.triggered_at == handoff.card_next_attempt_at == START
        assert handoff.state_version == 1 and handoff.rendered_version == 0
    # Every handoff has what a deal sent alone gets: its fields, both SLA deadlines, one audit
    # row and its event in the inbox.
    for model in (FieldValue, Deadline, AuditEvent):
        per_handoff = {h: [r for r in app.rows(model) if r.handoff_id == h] for h in handoffs}
        assert {len(rows) for rows in per_handoff.values()} == {len(per_handoff[first.id])}
    deadlines = [d for d in app.rows(Deadline) if d.handoff_id == ids[0]]
    assert sorted((d.kind, d.due_at) for d in deadlines) == sorted(
        [
            (DeadlineKind.SLA_WARN, handoffs[ids[0]].sla_warn_at),
            (DeadlineKind.SLA_BREACH, handoffs[ids[0]].sla_due_at),
        ]
    )
    audit = [a for a in app.rows(AuditEvent) if a.handoff_id == ids[0]]
    assert [(a.action, a.detail["event"]) for a in audit] == [
        (AuditAction.HANDOFF_STARTED, "evt_0")
    ]
    inbox = {row.external_id: row for row in app.rows(InboxEvent)}
    assert [(inbox[f"evt_{n}"].handoff_id, inbox[f"evt_{n}"].outcome) for n in range(12)] == [
        (handoff_id, "applied") for handoff_id in ids
    ]


def test_a_group_gives_each_event_the_outcome_it_gets_alone(app: RunningApp) -> None:
    known = app.send(deal_event("evt_known", id="006KNOWN"))
    later = START + timedelta(hours=1)
    replies = send_together(
        app,
        [
            deal_event("evt_a1", id="006A"),
            deal_event("evt_a1", id="006A"),  # the same delivery again
            deal_event("evt_a2", id="006A", amount=150000, occurred_at=later),
            deal_event("evt_c", id="006C", stage="Prospecting"),
            deal_event("evt_k", id="006KNOWN", amount=99000, occurred_at=later),
            deal_event("evt_b", id="006B"),
        ],
    )

    a_id = replies[0].body["handoff_id"]
    assert [(r.status, r.body.get("handoff_id")) for r in replies] == [
        (202, a_id),
        (200, a_id),
        (202, a_id),
        (200, None),
        (202, known.body["handoff_id"]),
        (202, replies[5].body["handoff_id"]),
    ]
    assert replies[1].body["duplicate"] is True
    assert replies[3].body["ignored"] is True and "Prospecting" in replies[3].body["reason"]
    handoffs = {h.deal_id: h for h in app.rows(Handoff)}
    assert set(handoffs) == {"006KNOWN", "006A", "006B"}
    assert handoffs["006A"].amount == 150000 and handoffs["006KNOWN"].amount == 99000
    actions = [a.action for a in app.rows(AuditEvent) if a.handoff_id == a_id]
    assert actions == [AuditAction.HANDOFF_STARTED, AuditAction.DEAL_UPDATED]
    outcomes = {row.external_id: row.outcome for row in app.rows(InboxEvent)}
    assert outcomes == {
        "evt_known": "applied",
        "evt_a1": "applied",
        "evt_a2": "applied",
        "evt_c": "ignored",
        "evt_k": "applied",
        "evt_b": "applied",
    }


def test_a_group_the_database_refuses_is_applied_again_event_by_event(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusals: list[int] = []

    def refuse_once(session: Any, rows: Any) -> list[int]:
        if not refusals:
            refusals.append(len(rows))  # another process stored one of these deals first
            raise IntegrityError("INSERT", None, Exception("UNIQUE constraint failed"))
        return insert_handoffs(session, rows)

    insert_handoffs = new_deals.insert_handoffs
    monkeypatch.setattr(new_deals, "insert_handoffs", refuse_once)
    replies = send_together(app, [deal_event(f"evt_{n}", id=f"006RETRY{n}") for n in range(5)])

    assert refusals == [5]
    assert [reply.status for reply in replies] == [202] * 5
    assert sorted(h.deal_id for h in app.rows(Handoff)) == [f"006RETRY{n}" for n in range(5)]
    assert len(app.rows(InboxEvent)) == len(app.rows(AuditEvent)) == 5
    assert len(app.rows(Deadline)) == 10


def test_a_group_without_new_deals_is_one_transaction(app: RunningApp) -> None:
    first = app.send(deal_event("evt_k1", id="006K1"))
    app.send(deal_event("evt_k2", id="006K2"))
    later = START + timedelta(hours=1)
    with transactions(app) as begun:
        replies = send_together(
            app,
            [
                deal_event("evt_k1b", id="006K1", amount=1, occurred_at=later),
                deal_event("evt_c", id="006C", stage="Prospecting"),
                deal_event("evt_k2b", id="006K2", amount=2, occurred_at=later),
                deal_event("evt_k1", id="006K1"),  # a redelivery
            ],
        )

    assert [reply.status for reply in replies] == [202, 200, 202, 200]
    assert replies[3].body["duplicate"] is True
    assert replies[3].body["handoff_id"] == first.body["handoff_id"]
    assert len(begun) == 1  # it was three: one refused, then each alone
    assert {h.deal_id: h.amount for h in app.rows(Handoff)} == {"006K1": 1, "006K2": 2}


def test_a_database_failure_answers_the_whole_group_at_once(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A lock that stayed busy for the whole group would stay busy for each of its events in
    turn (30 s each): every request gets the 503 now, and the CRM delivers again."""

    def busy(session: Any, keys: Any) -> set[tuple[str, str]]:
        raise OperationalError("SELECT", None, Exception("database is locked"))

    alone: list[object] = []
    apply_alone = app.runtime.intake.ingest_deal_event

    def count_alone(*, event: Any) -> Any:
        alone.append(event)
        return apply_alone(event=event)

    monkeypatch.setattr(new_deals, "events_seen", busy)
    monkeypatch.setattr(app.runtime.intake, "ingest_deal_event", count_alone)
    replies = send_together(app, [deal_event(f"evt_{n}", id=f"006BUSY{n}") for n in range(4)])

    assert [reply.status for reply in replies] == [503] * 4
    assert alone == [] and app.rows(Handoff) == [] and app.rows(InboxEvent) == []


def test_one_events_failure_is_only_its_own_requests(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert app.send(deal_event("evt_bad_0", id="006BAD")).status == 202
    intake = app.runtime.intake
    apply = intake.apply

    def fail_for_bad(session: Any, event: Any) -> Any:
        if event.deal.id == "006BAD":
            raise RuntimeError("a defect that only this deal meets")
        return apply(session, event)

    monkeypatch.setattr(intake, "apply", fail_for_bad)
    replies = send_together(
        app,
        [
            deal_event("evt_1", id="006GOOD1"),
            deal_event("evt_bad", id="006BAD", amount=5, occurred_at=START + timedelta(hours=1)),
            deal_event("evt_2", id="006GOOD2"),
        ],
    )

    assert [reply.status for reply in replies] == [202, 500, 202]
    assert sorted(h.deal_id for h in app.rows(Handoff)) == ["006BAD", "006GOOD1", "006GOOD2"]
    assert "evt_bad" not in {row.external_id for row in app.rows(InboxEvent)}  # CRM retries it


def test_a_request_queued_behind_a_stuck_group_is_answered_503_with_nothing_stored(
    app: RunningApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = app.runtime.deal_events
    monkeypatch.setattr(group, "_patience", 0.05)
    with group._turn:  # a group stuck on the database (a statement that never returns)
        reply = app.send(deal_event("evt_late", id="006LATE"))
        assert reply.status == 503 and reply.headers["Retry-After"] == "30"
        assert group._waiting == []
    assert app.rows(Handoff) == [] and app.rows(InboxEvent) == []

    again = app.send(deal_event("evt_late", id="006LATE"))  # the CRM delivers it again
    assert again.status == 202
