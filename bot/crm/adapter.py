"""The CRM port's adapter contract: what the composition root needs from each CRM.

A CRM is one package under ``bot/crm/`` with a ``runtime.py`` that builds its adapter from the
settings: its name, the outbox kinds it delivers, its periodic jobs, its HTTP endpoints, its
``check`` and the figure ``/healthz`` shows. ``bot/runtime/build.py`` iterates the adapters it
is given; the workflow only queues CRM-neutral payloads (``bot/crm/tasks.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from storage.enums import CrmName, OutboxKind

# id, function, every how many seconds (the shape bot/timers/periodic.py ticks)
Job = tuple[str, Callable[[], object], float]
# (method, path) -> a WSGI environ in, a bot.web.wsgi response out
Endpoints = Mapping[tuple[str, str], Callable[[Any], Any]]


@dataclass
class CheckReport:
    """What ``python app.py check`` prints for one CRM: a line per fact, FAIL on problems."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def good(self, text: str) -> None:
        self.lines.append(f"ok    {text}")

    def bad(self, text: str) -> None:
        self.lines.append(f"FAIL  {text}")
        self.ok = False

    def note(self, text: str) -> None:
        self.lines.append(f"      {text}")


class CrmAdapter(Protocol):
    @property
    def name(self) -> CrmName: ...

    @property
    def label(self) -> str:
        """How people call it: "Salesforce", "HubSpot"."""
        ...

    @property
    def writes(self) -> frozenset[OutboxKind]:
        """The outbox kinds this adapter delivers for its own deals."""
        ...

    def jobs(self) -> list[Job]: ...

    def endpoints(self) -> Endpoints: ...

    def check(self) -> CheckReport: ...

    def health(self) -> dict[str, object]:
        """Figures for ``GET /healthz``, e.g. ``{"hubspot_api_usage": "1200/250000"}``."""
        ...
