"""Waiting in a test for something another thread does, without a fixed sleep."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

POLL_SECONDS = 0.001


def wait_until(condition: Callable[[], object], timeout: float = 10) -> None:
    """Return as soon as ``condition()`` holds; fail the test if it has not within ``timeout``."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {timeout} s: {condition}")
        pause.wait(POLL_SECONDS)
