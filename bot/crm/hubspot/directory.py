"""What Handoff looks up in HubSpot besides deals, cached: owners and stage labels.

Owners change rarely: the whole list is read once an hour (500 to a call), and an id or email
it lacks (a deactivated user, someone added since) is asked alone, once an hour at most.
Pipelines are read once a process, again when a deal shows a stage not seen before (at most
every ten minutes). Time comes from the injected clock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from bot.crm.hubspot.records import Owner, Pipeline
from bot.domain.clock import Clock

OWNER_TTL = timedelta(hours=1)
PIPELINES_RETRY = timedelta(minutes=10)


class DirectoryClient(Protocol):
    def owners(self) -> list[Owner]: ...

    def owner(self, owner_id: str) -> Owner | None: ...

    def owner_by_email(self, email: str) -> Owner | None: ...

    def deal_pipelines(self) -> list[Pipeline]: ...


class HubSpotDirectory:
    def __init__(self, *, client: DirectoryClient, clock: Clock) -> None:
        self._hubspot = client
        self._clock = clock
        self._lock = threading.Lock()
        self._by_id: dict[str, tuple[datetime, Owner | None]] = {}
        self._by_email: dict[str, tuple[datetime, Owner | None]] = {}
        self._labels: dict[tuple[str, str], str] = {}
        self._pipelines_read_at: datetime | None = None
        self._listed_at: datetime | None = None

    def owner_email(self, owner_id: str | None) -> str | None:
        """The email of the HubSpot user a deal is owned by (the AE)."""
        if not owner_id:
            return None
        self._list_owners()
        owner = self._cached(self._by_id, owner_id, lambda: self._hubspot.owner(owner_id))
        return owner.email if owner else None

    def owner_id(self, email: str | None) -> str | None:
        """The HubSpot owner with this email (a CSM, for their tasks), or None."""
        if not email:
            return None
        key = email.strip().lower()
        self._list_owners()
        owner = self._cached(self._by_email, key, lambda: self._hubspot.owner_by_email(key))
        return owner.id if owner else None

    def stage_label(self, pipeline: str | None, stage: str | None) -> str | None:
        if not stage:
            return None
        key = (pipeline or "", stage)
        now = self._clock.now()
        with self._lock:
            known = self._labels.get(key) or self._labels.get(("", stage))
            stale = self._pipelines_read_at is None or (
                now - self._pipelines_read_at >= PIPELINES_RETRY
            )
        if known is None and stale:
            pipelines = self._hubspot.deal_pipelines()
            with self._lock:
                self._pipelines_read_at = now
                for found in pipelines:
                    for step in found.stages:
                        self._labels[(found.id, step.id)] = step.label
                        self._labels.setdefault(("", step.id), step.label)
                known = self._labels.get(key) or self._labels.get(("", stage))
        return known

    def _list_owners(self) -> None:
        now = self._clock.now()
        with self._lock:
            if self._listed_at is not None and now - self._listed_at < OWNER_TTL:
                return
        owners = self._hubspot.owners()
        with self._lock:
            self._listed_at = now
            for owner in owners:
                self._by_id[owner.id] = (now, owner)
                if owner.email:
                    self._by_email[owner.email.strip().lower()] = (now, owner)

    def _cached(
        self,
        cache: dict[str, tuple[datetime, Owner | None]],
        key: str,
        read: Callable[[], Owner | None],
    ) -> Owner | None:
        now = self._clock.now()
        with self._lock:
            hit = cache.get(key)
        if hit is not None and now - hit[0] < OWNER_TTL:
            return hit[1]
        owner = read()
        with self._lock:
            cache[key] = (now, owner)
        return owner
