"""Delivering SLA nudges and escalations: to channels, people and user groups, never at night.

A DM waits for its recipient's working hours in their own Slack time zone; a channel post
goes out at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.delivery.ports import RenderedMessage, SlackGateway
from bot.domain.business_time import BusinessCalendar
from bot.domain.clock import Clock
from bot.domain.read_models import HandoffCard
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind

CHANNEL = re.compile(r"^[CG][A-Z0-9]+$")
Renderer = Callable[[dict[str, object], HandoffCard], RenderedMessage]


class Later(Exception):
    """Not now: deliver at ``until`` (a recipient's quiet hours), without counting a failure."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"waiting until {until.isoformat()}")
        self.until = until


class NudgeDelivery:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        slack: SlackGateway,
        calendar: BusinessCalendar,
        expand: Callable[[str], list[str]],
        render_nudge: Renderer,
        render_escalation: Renderer,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._slack = slack
        self._calendar = calendar
        self._expand = expand
        self._render = {OutboxKind.NUDGE: render_nudge, OutboxKind.ESCALATION: render_escalation}

    def deliver(self, kind: OutboxKind, payload: dict[str, object], card: HandoffCard) -> None:
        message = self._render[kind](payload, card)
        target = str(payload["to"])
        if CHANNEL.match(target):
            self._slack.post_message(channel=target, message=message)
            return
        if not target.startswith("@"):
            opening = None if payload.get("urgent") else self._quiet_until(target)
            if opening is not None:
                raise Later(opening)
            self._slack.post_message(channel=target, message=message)
            return
        for member in self._expand(target):
            opening = self._quiet_until(member)
            if opening is None:
                self._slack.post_message(channel=member, message=message)
            else:
                self._one_for_later(kind, payload, card.handoff_id, member, opening)

    def _quiet_until(self, user: str) -> datetime | None:
        if self._calendar.always_open:
            return None  # no working hours: no quiet hours, and no need to ask Slack the zone
        now = self._clock.now()
        name = self._slack.user_time_zone(user)
        try:
            zone = ZoneInfo(name) if name else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if self._calendar.is_open(now, zone):
            return None
        return self._calendar.next_open(now, zone)

    def _one_for_later(
        self,
        kind: OutboxKind,
        payload: dict[str, object],
        handoff_id: int,
        user: str,
        when: datetime,
    ) -> None:
        with self._sessions.begin() as session:
            repositories.enqueue(
                session,
                kind=kind,
                now=when,
                handoff_id=handoff_id,
                payload={**payload, "to": user},
            )
