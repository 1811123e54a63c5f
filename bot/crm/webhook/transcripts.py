"""``POST /context/transcripts``: a call transcript for a deal, signed like ``/crm/events``.

What a Gong, Zoom or Read AI export pushed by an automation tool can send:
``{"id", "deal_id", "title", "occurred_at", "url", "transcript" | "segments"}``. A rejected
request stores nothing; the same ``id`` again is answered success and changes nothing.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from bot.crm.webhook import events as webhook
from bot.crm.webhook.endpoint import read_json_body
from bot.domain.clock import Clock
from bot.domain.errors import InvalidEvent
from bot.web.wsgi import JsonResponse
from bot.workflow.context_transcripts import TranscriptIntake

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)

MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024  # a two-hour call is ~150 KB of text


class TranscriptEndpoint:
    def __init__(self, *, secret: str | None, transcripts: TranscriptIntake, clock: Clock) -> None:
        self._secret = secret
        self._transcripts = transcripts
        self._clock = clock

    def __call__(self, environ: WSGIEnvironment) -> JsonResponse:
        if not self._secret:
            return JsonResponse(
                503, {"ok": False, "error": "CRM_WEBHOOK_SECRET is not configured on this server"}
            )
        body, problem = read_json_body(environ, max_bytes=MAX_TRANSCRIPT_BYTES)
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
            log.warning("rejected transcript: %s", refusal)
            return JsonResponse(401, {"ok": False, "error": refusal})
        if not self._transcripts.api_enabled:
            return JsonResponse(
                403,
                {
                    "ok": False,
                    "error": "transcripts are switched off (playbook context.transcript_api)",
                },
            )
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            return JsonResponse(400, {"ok": False, "error": f"not JSON: {error}", "field": "body"})
        try:
            done = self._transcripts.submit_transcript(body=data)
        except InvalidEvent as error:
            return JsonResponse(
                400, {"ok": False, "error": error.user_message, "field": error.field}
            )
        reply: dict[str, object] = {
            "ok": True,
            "transcript_id": done.source_id,
            "handoff_id": done.handoff_id,
            "segments": done.segments,
        }
        if done.duplicate:
            return JsonResponse(200, {**reply, "duplicate": True})
        if done.handoff_id is None:
            # Kept for the deal's first CRM event (within retention_days), then read.
            return JsonResponse(202, {**reply, "waiting_for_deal": True})
        return JsonResponse(202, reply)
