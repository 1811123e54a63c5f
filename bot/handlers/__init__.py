"""Slack listeners, registered per surface. Each parses, acks, calls one service, renders."""

from __future__ import annotations

from slack_bolt import App

from bot.handlers import actions, commands, commitments, errors, events, views


def register(app: App) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    commitments.register(app)
    events.register(app)
    errors.register(app)
