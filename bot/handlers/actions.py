"""Block actions from the handoff card."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.ids import Action


def register(app: App) -> None:
    app.action(Action.OPEN_CRM_RECORD)(acknowledge_link)


def acknowledge_link(ack: Ack) -> None:
    # A URL button still sends an interaction; Slack shows a warning unless it is acked.
    ack()
