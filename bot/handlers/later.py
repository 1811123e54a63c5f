"""The after-ack pool: what a Slack listener does once it has acknowledged the request.

Slack waits at most 3 seconds for an ack, and Bolt runs listeners on a handful of threads. A
listener therefore only does the cheap part on Bolt's thread (parse, validate — pure or
through a read session — and ack) and hands the rest (database writes, Slack calls, the
``response_url`` answer) to this pool: a bounded number of threads and a bounded queue. When
both are full the request is not left hanging: the listener answers "busy, try again"
instead (see ``bot.handlers.routing``).

Acks go first. Python runs one thread at a time, so a job running while requests are being
acknowledged takes turns with them and makes each ack wait. Every Slack request is counted
from the door to its answer (``acking``: around ``/slack/events`` in ``bot.web.slack_endpoint``,
and in Bolt's middleware for Socket Mode), and a job waits to start until no ack is pending —
at most ``ACK_HEAD_START`` seconds, so that a steady stream of requests cannot starve the jobs.
The periodic work does the same between its items (``yield_to_acks``).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ThreadPoolExecutor

Job = Callable[[], None]
ACK_HEAD_START = 0.25  # seconds a job may wait for the pending acks before it starts anyway


class AfterAckPool:
    def __init__(
        self,
        *,
        workers: int,
        queue: int,
        executor: Executor | None = None,
        head_start: float = ACK_HEAD_START,
    ) -> None:
        # ``executor``: tests pass one they can drain; its own thread count then applies.
        self._executor = executor or ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="after-ack"
        )
        self._capacity = workers + queue
        self._pending = 0
        self._idle = threading.Condition()
        self._acks = 0
        self._acks_done = threading.Condition()
        self._head_start = head_start

    @property
    def acks_pending(self) -> int:
        """Slack requests between the door and their ack, right now."""
        with self._acks_done:
            return self._acks

    @contextlib.contextmanager
    def acking(self) -> Iterator[None]:
        """Around the handling of one Slack request, up to its ack."""
        with self._acks_done:
            self._acks += 1
        try:
            yield
        finally:
            with self._acks_done:
                self._acks -= 1
                if not self._acks:
                    self._acks_done.notify_all()

    def yield_to_acks(self) -> None:
        """Wait until no ack is pending, at most the head start: every job does before it
        starts, and the work outside the pool (the periodic ticks; the card relay, the outbox
        and the canvases between their items) too."""
        with self._acks_done:
            self._acks_done.wait_for(lambda: not self._acks, self._head_start)

    def submit(self, job: Job, *, first: Callable[[], object] | None = None) -> bool:
        """Queue ``job``, calling ``first`` (the ack) once a place is taken and before the job
        can start. False, and nothing called, when the pool and its queue are full."""
        with self._idle:
            if self._pending >= self._capacity:
                return False
            self._pending += 1
        try:
            if first is not None:
                first()
            self._executor.submit(self._run, job)
        except BaseException:
            self._done()
            raise
        return True

    def drain(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has finished (True) or ``timeout`` passed."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)

    def _run(self, job: Job) -> None:
        try:
            self.yield_to_acks()
            job()
        finally:
            self._done()

    def _done(self) -> None:
        with self._idle:
            self._pending -= 1
            if self._pending == 0:
                self._idle.notify_all()
