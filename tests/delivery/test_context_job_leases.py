"""Context jobs lease each row right before running it: a slow extraction on one replica must
not leave the rows after it with leases that expire while they wait, for another to take."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.delivery.context_jobs import ContextJobs
from bot.delivery.outbox import LEASE
from storage import repositories
from storage.enums import OutboxKind
from tests.conftest import RunningApp
from tests.support.team import start_handoff


class SlowExtraction:
    """Stands in for the suggestion service: the first extraction takes longer than a lease,
    and while it runs, another replica's job runs too."""

    def __init__(self, app: RunningApp) -> None:
        self.app = app
        self.extracted: list[int] = []
        self.other_replica: ContextJobs | None = None

    def extract(self, *, handoff_id: int) -> int:
        self.extracted.append(handoff_id)
        if len(self.extracted) == 1 and self.other_replica is not None:
            self.app.clock.advance(LEASE + timedelta(seconds=30))  # a model that took its time
            self.other_replica.run_once()
        return 0


def replica(app: RunningApp, suggestions: Any) -> ContextJobs:
    jobs = app.runtime.context
    return ContextJobs(
        sessions=app.runtime.sessions,
        clock=app.clock,
        transcripts=jobs._transcripts,
        suggestions=suggestions,
        upkeep=jobs._upkeep,
        slack=jobs._slack,
        render_notice=jobs._render_notice,
    )


def test_each_extraction_runs_once_however_long_the_one_before_it_takes(
    running_app: RunningApp,
) -> None:
    first = start_handoff(running_app, id="006SLOW000000001", account_name="Slow")
    second = start_handoff(running_app, id="006NEXT000000002", account_name="Next")
    with running_app.runtime.sessions.begin() as session:
        for handoff_id in (first, second):
            repositories.enqueue(
                session,
                kind=OutboxKind.CONTEXT_EXTRACT,
                now=running_app.clock.now(),
                handoff_id=handoff_id,
                payload={},
            )
    slow = SlowExtraction(running_app)
    slow.other_replica = replica(running_app, slow)
    replica(running_app, slow).run_once()
    assert sorted(slow.extracted) == sorted([first, second])
