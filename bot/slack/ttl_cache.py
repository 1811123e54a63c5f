"""A small thread-safe memory with an expiry, for answers Slack gives slowly and rarely changes."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    def __init__(self, *, ttl: float, now: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._now = now
        self._entries: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K) -> tuple[bool, V | None]:
        """``(True, value)`` while remembered, ``(False, None)`` once forgotten or never seen."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] <= self._now():
                self._entries.pop(key, None)
                return False, None
            return True, entry[1]

    def put(self, key: K, value: V, *, ttl: float | None = None) -> None:
        with self._lock:
            self._entries[key] = (self._now() + (self._ttl if ttl is None else ttl), value)

    def forget(self, key: K) -> None:
        with self._lock:
            self._entries.pop(key, None)
