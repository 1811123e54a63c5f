"""GET /healthz: database reachable? cards keeping up? each CRM's API usage."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.config.settings import Settings
from bot.web.wsgi import Endpoint, JsonResponse
from storage.db import SessionFactory
from storage.models import Handoff

if TYPE_CHECKING:
    from wsgiref.types import WSGIEnvironment

log = logging.getLogger(__name__)


def health_endpoint(
    settings: Settings,
    sessions: SessionFactory,
    *,
    crm_health: Callable[[], dict[str, object]] | None = None,
) -> Endpoint:
    def health(_environ: WSGIEnvironment) -> JsonResponse:
        try:
            with sessions.begin() as session:
                lagging = session.scalar(
                    select(func.count()).where(Handoff.state_version > Handoff.rendered_version)
                )
                failing = session.scalar(
                    select(func.count()).where(Handoff.card_error.is_not(None))
                )
        except SQLAlchemyError as error:
            log.warning("health check: database unavailable: %s", error)
            return JsonResponse(503, {"ok": False, "database": "unavailable"})
        return JsonResponse(
            200,
            {
                "ok": True,
                "database": "ok",
                "mode": "socket" if settings.socket_mode else "http",
                "cards_pending": lagging,
                "cards_failing": failing,
                **(crm_health() if crm_health else {}),
            },
        )

    return health
