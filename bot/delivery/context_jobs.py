"""The context jobs: download transcript files shared in deal channels, then read new context
into suggestions, one coalesced run per handoff. Off the request path and never in the way of
a handoff: a slow model or a Slack outage only delays suggestions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from bot.delivery.outbox import LeasedMessage, due_messages, lease_message, settle
from bot.delivery.ports import RenderedMessage, SlackRejected, SlackUnavailable
from bot.domain.clock import Clock
from bot.workflow.context_transcripts import TranscriptIntake
from bot.workflow.context_upkeep import ContextUpkeep
from bot.workflow.suggestions import SuggestionService
from storage.db import SessionFactory
from storage.enums import OutboxKind

log = logging.getLogger(__name__)
# A job reads a call or a day of messages each with its own model request: whatever the
# model's timeout, a lease this long is not outlived, and a crashed job is retried after it.
JOB_LEASE = timedelta(minutes=30)

MAX_FILE_BYTES = 20_000_000  # a two-hour call is ~150 KB; this is the parser's own bound
# (file name, why it could not be read or None) -> what the person who shared it is told
FileNotice = Callable[[str, str | None], RenderedMessage]


class Downloaded(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def content(self) -> bytes: ...


class SlackFiles(Protocol):
    def download(self, file_id: str, *, max_bytes: int) -> Downloaded: ...

    def tell(self, *, channel: str, user: str, message: RenderedMessage) -> None: ...


@dataclass
class ContextReport:
    files_read: int = 0
    files_failed: int = 0
    extracted: int = 0
    suggestions: int = 0
    retried: int = 0


class ContextJobs:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        transcripts: TranscriptIntake,
        suggestions: SuggestionService,
        upkeep: ContextUpkeep,
        slack: SlackFiles,
        render_notice: FileNotice,
        batch_size: int = 20,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._transcripts = transcripts
        self._suggestions = suggestions
        self._upkeep = upkeep
        self._slack = slack
        self._render_notice = render_notice
        self._batch_size = batch_size

    def run_once(self) -> ContextReport:
        """Attach waiting transcripts, download shared files, then extract (files first, so a
        file read now is extracted in the same run)."""
        report = ContextReport()
        self._upkeep.adopt_waiting()
        for kind in (OutboxKind.CONTEXT_FILE, OutboxKind.CONTEXT_EXTRACT):
            due = due_messages(
                self._sessions, kinds=(kind,), now=self._clock.now(), limit=self._batch_size
            )
            for message_id in due:
                # Leased one at a time with the clock read then, for longer than a job can take:
                # one extraction may wait on a model several times over.
                message = lease_message(
                    self._sessions, message_id, now=self._clock.now(), hold=JOB_LEASE
                )
                if message is not None:
                    self._run(message, report)
        return report

    def _run(self, message: LeasedMessage, report: ContextReport) -> None:
        try:
            if message.kind is OutboxKind.CONTEXT_FILE:
                self._read_file(int(str(message.payload["source_id"])), report)
            elif message.handoff_id is not None:
                report.suggestions += self._suggestions.extract(handoff_id=message.handoff_id)
                report.extracted += 1
        except SlackUnavailable as error:
            report.retried += 1
            self._settle(message.id, error=str(error), retry_after=error.retry_after)
        except Exception as error:  # the job's boundary: one bad row must not stop the others
            log.exception("context job %s (%s) failed; retrying later", message.id, message.kind)
            report.retried += 1
            self._settle(message.id, error=f"{type(error).__name__}: {error}"[:2000])
        else:
            self._settle(message.id)

    def _read_file(self, source_id: int, report: ContextReport) -> None:
        wanted = self._transcripts.file_to_fetch(source_id=source_id)
        if wanted is None:
            return  # read already, or deleted or forgotten meanwhile
        name = wanted.file_id
        try:
            file = self._slack.download(wanted.file_id, max_bytes=MAX_FILE_BYTES)
        except SlackRejected as refusal:
            problem: str | None = refusal.error
        else:
            name = file.name
            problem = self._transcripts.file_downloaded(
                source_id=source_id, name=file.name, content=file.content
            )
        if problem:
            self._transcripts.file_failed(source_id=source_id, reason=problem)
            report.files_failed += 1
        else:
            report.files_read += 1
        if wanted.channel and wanted.shared_by:
            self._tell(wanted.channel, wanted.shared_by, self._render_notice(name, problem))

    def _tell(self, channel: str, user: str, message: RenderedMessage) -> None:
        # A courtesy: the file is read (or its failure recorded) whether or not this arrives.
        try:
            self._slack.tell(channel=channel, user=user, message=message)
        except (SlackUnavailable, SlackRejected) as error:
            log.warning("could not tell %s about their transcript file: %s", user, error)

    def _settle(self, message_id: int, **outcome: object) -> None:
        settle(self._sessions, message_id, now=self._clock.now(), **outcome)  # type: ignore[arg-type]
