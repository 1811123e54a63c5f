"""A listener pool one can wait on: Bolt runs listeners after the ack on it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any


class DrainableExecutor(ThreadPoolExecutor):
    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers)
        self._futures: list[Future[Any]] = []
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._futures.append(future)
        return future

    def drain(self) -> None:
        """Wait until every listener submitted so far (and any they started) has finished."""
        while True:
            with self._lock:
                pending = [future for future in self._futures if not future.done()]
                self._futures = pending
            if not pending:
                return
            wait(pending, timeout=10)
