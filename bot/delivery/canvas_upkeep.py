"""The brief as the deal channel's canvas: created when the handoff's card reaches its channel,
then kept current, a burst of changes being one edit.

Every rendered card marks its canvas dirty (``want``, in ``CardRelay``); each tick this upkeep
leases the dirty rows, renders the brief and calls Slack only if what the canvas shows changed:

- no canvas yet: ``conversations.canvases.create``. A channel that already has one
  (``channel_canvas_already_exists``) gets the brief as a titled section of it (found with
  ``canvases.sections.lookup``, then replaced; added at the end if it is not there), never a
  second canvas. That is also how a create whose answer was lost is settled: the retry finds
  the brief it made.
- later changes: one ``canvases.edit`` (the whole canvas, or the brief's section).
- canvases unavailable (the plan, a missing scope, a user token): the modal brief remains, the
  admins are told once (a stored marker), and the canvas is tried again a day later.
- Slack down or rate limited: the row is retried with back-off; a change is delayed, never
  dropped.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from sqlalchemy.orm import Session

from bot.config.playbook import Playbook
from bot.delivery.canvas_state import CanvasRow, CanvasState, due, known_canvas, shared
from bot.delivery.outbox import RelayReport, backoff
from bot.delivery.ports import CanvasGateway, SlackRejected, SlackUnavailable
from bot.domain.clock import Clock
from bot.domain.commitments import CommitmentView
from bot.domain.read_models import FieldSource, HandoffCard
from bot.domain.snapshot import card_snapshot
from storage import repositories
from storage.db import SessionFactory
from storage.enums import OutboxKind

log = logging.getLogger(__name__)

# Answers that mean this workspace cannot have the brief in a canvas (until an admin acts).
UNAVAILABLE = (
    "missing_scope",
    "not_allowed_token_type",
    "team_tier_cannot_create_channel_canvases",
    "free_teams_cannot_create_non_tab_canvases",
    "free_team_canvas_tab_already_exists",
    "canvas_disabled_user_team",
    "restricted_action",
)
GONE = ("canvas_not_found", "canvas_deleted")
# The Web API methods the upkeep calls, so benchmarks count them apart from the card's.
CANVAS_METHODS = (
    "conversations.canvases.create",
    "canvases.edit",
    "canvases.sections.lookup",
    "conversations.info",
    "auth.test",
)
UNAVAILABLE_RETRY = timedelta(days=1)
NOTHING = frozenset({"none", "n/a", "na", "no", "nothing", "-", "—"})  # "promised nothing"
REJECTED_RETRY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class PromiseLine:
    """One commitment of a deal whose ledger was never used (same attribute names as the
    ledger's ``CommitmentView``): a line of the ``promises_made`` field, proposed."""

    id: int | None
    text: str
    promised_by: str | None
    promised_to: str | None
    due_on: date | None
    status: str
    owner_slack_id: str | None
    source_quote: str | None
    source_url: str | None
    entered_by: str | None


@dataclass(frozen=True, slots=True)
class BriefInputs:
    card: HandoffCard
    commitments: Sequence[CommitmentView | PromiseLine]
    crm: str


class RenderedCanvas(Protocol):
    """The brief as the canvas renderer gives it (``bot.blocks.canvas.CanvasDocument``)."""

    @property
    def title(self) -> str: ...
    @property
    def markdown(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def anchor(self) -> str: ...


CanvasRenderer = Callable[[BriefInputs], RenderedCanvas]


def gather_brief(session: Session, handoff_id: int, playbook: Playbook) -> BriefInputs | None:
    """Everything the canvas shows, read in one transaction: the one place its inputs are
    gathered. The commitments are the ledger's; a deal whose ledger was never used (the
    summary field typed by hand or copied from the CRM) shows that field's lines."""
    handoff = repositories.get_handoff(session, handoff_id)
    if handoff is None:
        return None
    card = card_snapshot(handoff, playbook)
    commitments = card.commitments or promises_from_field(card)
    return BriefInputs(card=card, commitments=commitments, crm=handoff.crm)


def promises_from_field(card: HandoffCard) -> list[PromiseLine]:
    line = card.field("promises_made")
    if line is None or not line.present or line.value is None:
        return []
    items = [item.strip(" -•*\t") for item in line.value.splitlines()]
    items = [item for item in items if item and item.lower().rstrip(".") not in NOTHING]
    person = line.set_by if line.source is FieldSource.PERSON else None
    quote = line.suggested_quote if len(items) == 1 else None
    return [
        PromiseLine(
            id=None,
            text=item,
            promised_by=None,
            promised_to=None,
            due_on=None,
            status="proposed",
            owner_slack_id=None,
            source_quote=quote,
            source_url=None,
            entered_by=person,
        )
        for item in items
    ]


class CanvasUpkeep:
    def __init__(
        self,
        *,
        sessions: SessionFactory,
        clock: Clock,
        canvases: CanvasGateway,
        playbook: Playbook,
        render: CanvasRenderer,
        batch_size: int = 50,
        yield_to_requests: Callable[[], object] = lambda: None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._yield_to_requests = yield_to_requests
        self._canvases = canvases
        self._playbook = playbook
        self._render = render
        self._batch_size = batch_size

    def run_once(self, report: RelayReport) -> None:
        for handoff_id in due(self._sessions, now=self._clock.now(), limit=self._batch_size):
            self._yield_to_requests()  # acks first, as the card relay does
            state = CanvasState(self._sessions, self._clock, handoff_id, uuid.uuid4().hex)
            if state.lease():
                self._sync(state, report)

    def _sync(self, state: CanvasState, report: RelayReport) -> None:
        try:
            if self._bring_up_to_date(state):
                report.canvases_written += 1
        except SlackUnavailable as error:
            wait = backoff(_attempts(state) + 1)
            if error.retry_after is not None:
                wait = max(wait, timedelta(seconds=error.retry_after))
            if state.retry(wait=wait, error=None):
                log.warning(
                    "handoff %s: canvas delayed, Slack unavailable: %s", state.handoff_id, error
                )
            report.canvases_waiting += 1
        except SlackRejected as error:
            self._refused(state, error.error.rsplit(": ", 1)[-1])
            report.canvases_waiting += 1

    def _bring_up_to_date(self, state: CanvasState) -> bool:
        with self._sessions.begin() as session:
            inputs = gather_brief(session, state.handoff_id, self._playbook)
        row = state.read()
        if inputs is None or row is None:
            return False
        document = self._render(inputs)
        known = row.mode in ("channel", "section") and row.canvas_id is not None
        if known and row.rendered_hash == document.digest:
            assert row.mode is not None and row.canvas_id is not None
            state.done(mode=row.mode, canvas_id=row.canvas_id, url=row.url, digest=document.digest)
            return False
        if row.mode == "channel" and row.canvas_id and self._shared(row):
            self._write_section(row.canvas_id, document)  # other deals' briefs live here too
            mode, canvas_id = "channel", row.canvas_id
        elif row.mode == "channel" and row.canvas_id:
            self._canvases.edit_canvas(
                canvas_id=row.canvas_id, markdown=document.markdown, operation="replace"
            )
            mode, canvas_id = "channel", row.canvas_id
        elif row.mode == "section" and row.canvas_id:
            self._write_section(row.canvas_id, document)
            mode, canvas_id = "section", row.canvas_id
        else:
            mode, canvas_id = self._create(row, document)
        state.done(
            mode=mode,
            canvas_id=canvas_id,
            url=self._canvases.canvas_url(canvas_id),
            digest=document.digest,
        )
        return True

    def _shared(self, row: CanvasRow) -> bool:
        assert row.canvas_id is not None
        return shared(self._sessions, canvas_id=row.canvas_id, handoff_id=row.handoff_id)

    def _create(self, row: CanvasRow, document: RenderedCanvas) -> tuple[str, str]:
        theirs = known_canvas(self._sessions, row.channel_id)
        if theirs is not None:  # a channel with several deals: one canvas, a section each
            self._write_section(theirs, document, fresh=_never_written(row))
            return "section", theirs
        try:
            canvas_id = self._canvases.create_channel_canvas(
                channel=row.channel_id, title=document.title, markdown=document.markdown
            )
        except SlackRejected as error:
            if not error.error.endswith("channel_canvas_already_exists"):
                raise
            existing = self._canvases.channel_canvas_id(row.channel_id)
            if existing is None:
                raise SlackRejected("conversations.info: channel canvas not visible") from error
            self._write_section(existing, document, fresh=_never_written(row))
            return "section", existing
        return "channel", canvas_id

    def _write_section(
        self, canvas_id: str, document: RenderedCanvas, *, fresh: bool = False
    ) -> None:
        """The brief as one titled section of a canvas the channel already had: replaced where
        it is, or added at the end (first time, or someone deleted it). ``fresh``: no attempt
        was ever made, so it cannot be there yet and is added without looking."""
        section = (
            None
            if fresh
            else self._canvases.find_section(canvas_id=canvas_id, heading=document.anchor)
        )
        if section is None:
            self._canvases.edit_canvas(
                canvas_id=canvas_id, markdown=document.markdown, operation="insert_at_end"
            )
        else:
            self._canvases.edit_canvas(
                canvas_id=canvas_id,
                markdown=document.markdown,
                operation="replace",
                section_id=section,
            )

    def _refused(self, state: CanvasState, code: str) -> None:
        if code in GONE:
            log.info(
                "handoff %s: the brief's canvas was deleted; making it again", state.handoff_id
            )
            state.forget_canvas()
        elif code in UNAVAILABLE:
            if state.retry(wait=UNAVAILABLE_RETRY, error=code, mode="unavailable"):
                log.warning(
                    "handoff %s: no canvas (%s); the modal brief remains", state.handoff_id, code
                )
            self._tell_admins(code)
        elif state.retry(wait=REJECTED_RETRY, error=code):
            log.warning("handoff %s: Slack refused the brief's canvas: %s", state.handoff_id, code)

    def _tell_admins(self, code: str) -> None:
        """Once per reason, ever: the outbox keeps the marker (``once``)."""
        fix = (
            "add the canvases:write and canvases:read scopes (manifest.yml) and reinstall the app"
            if code in ("missing_scope", "not_allowed_token_type")
            else "channel canvases need a paid Slack plan with canvases turned on"
        )
        with self._sessions.begin() as session:
            repositories.enqueue(
                session,
                kind=OutboxKind.NOTIFY_ADMINS,
                now=self._clock.now(),
                payload={
                    "text": "Handoff cannot keep the one-page brief in the deal channels' canvases "
                    f"(Slack answered `{code}`): the brief stays one click away, behind the card's "
                    f"View brief button. To have it in each deal channel's canvas, {fix}; Handoff "
                    "tries again daily."
                },
                dedupe_key=f"canvas-unavailable:{code}",
                once=True,
            )


def _never_written(row: CanvasRow) -> bool:
    """No attempt at this brief was made (a failed one might have written it, answer lost)."""
    return row.mode is None and row.attempts == 0


def _attempts(state: CanvasState) -> int:
    row = state.read()
    return row.attempts if row is not None else 0
