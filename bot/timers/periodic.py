"""APScheduler ticks the periodic jobs; the work they trigger lives in database rows."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial

from apscheduler.schedulers.background import BackgroundScheduler

from storage.db import background_work

Job = tuple[str, Callable[[], object], float]  # id, function, every how many seconds


def start_ticking(
    jobs: Sequence[Job], *, yield_to_requests: Callable[[], object] = lambda: None
) -> BackgroundScheduler:
    """Run each job every N seconds, first right away. A tick missed while the process was
    down is simply done by the next one (deadlines and the outbox are tables). Each tick
    first lets the requests being acknowledged go ahead (``yield_to_requests``)."""
    # A tick that finds the previous one still running is skipped by design (max_instances=1);
    # APScheduler would log each skip as a warning.
    logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
    scheduler = BackgroundScheduler(timezone=UTC)
    for job_id, function, seconds in jobs:
        scheduler.add_job(
            partial(_in_background, function, yield_to_requests),
            "interval",
            seconds=seconds,
            id=job_id,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
    scheduler.start()
    return scheduler


def _in_background(
    function: Callable[[], object], yield_to_requests: Callable[[], object]
) -> object:
    yield_to_requests()
    # Requests waiting to write to SQLite go ahead of periodic work (storage.db.WriterLock).
    with background_work():
        return function()
