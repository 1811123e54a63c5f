"""``POST /crm/events``: authenticate, validate and hand one deal event to the workflow."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Protocol

from bot.config.playbook import Playbook
from bot.crm.events import DealEvent
from bot.crm.webhook import events as webhook
from bot.domain.clock import Clock
from bot.domain.errors import InvalidEvent
from bot.web.body import BodyProblem, read_body
from bot.web.wsgi import JsonResponse
from bot.workflow.intake import IngestResult, Outcome

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)


class Intake(Protocol):
    def ingest_deal_event(self, *, event: DealEvent) -> IngestResult: ...


class CrmWebhookEndpoint:
    def __init__(
        self, *, secret: str | None, intake: Intake, playbook: Playbook, clock: Clock
    ) -> None:
        self._secret = secret
        self._intake = intake
        self._playbook = playbook
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment) -> JsonResponse:
        if not self._secret:
            return JsonResponse(
                503, {"ok": False, "error": "CRM_WEBHOOK_SECRET is not configured on this server"}
            )
        body, problem = read_json_body(environ)
        if problem is not None:
            return problem
        refusal = webhook.verify_signature(
            secret=self._secret,
            timestamp=environ.get("HTTP_X_HANDOFF_REQUEST_TIMESTAMP"),
            given=environ.get("HTTP_X_HANDOFF_SIGNATURE"),
            body=body,
            now=self._clock.now().timestamp(),
        )
        if refusal is not None:
            log.warning("rejected CRM webhook: %s", refusal)
            return JsonResponse(401, {"ok": False, "error": refusal})
        try:
            event = webhook.parse_event(body, self._playbook)
        except InvalidEvent as error:
            return JsonResponse(
                400, {"ok": False, "error": error.user_message, "field": error.field}
            )
        result = self._intake.ingest_deal_event(event=event)
        reply: dict[str, object] = {
            "ok": True,
            "handoff_id": result.handoff_id,
            "status": result.status.value if result.status else None,
        }
        if result.outcome is Outcome.APPLIED:
            return JsonResponse(202, reply)
        if result.outcome is Outcome.DUPLICATE:
            reply["duplicate"] = True
        else:
            reply[result.outcome.value] = True
            reply["reason"] = result.reason
        return JsonResponse(200, reply)


def read_json_body(
    environ: WSGIEnvironment, *, max_bytes: int = webhook.MAX_BODY_BYTES
) -> tuple[bytes, JsonResponse | None]:
    """A signed JSON body, or the 4xx that says what is wrong with it."""
    content_type = (environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return b"", JsonResponse(
            415, {"ok": False, "error": "Content-Type must be application/json"}
        )
    body = read_body(environ, max_bytes=max_bytes)
    if isinstance(body, BodyProblem):
        limit = f"body larger than {max_bytes // (1024 * 1024)} MB"
        message = limit if body.status == 413 else body.message
        return b"", JsonResponse(body.status, {"ok": False, "error": message})
    return body, None
