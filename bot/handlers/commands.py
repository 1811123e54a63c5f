"""The /handoff slash command."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.blocks.help import render_help
from bot.ids import Command


def register(app: App) -> None:
    app.command(Command.HANDOFF)(handle_handoff_command)


def handle_handoff_command(ack: Ack, command: dict[str, str]) -> None:
    # Every sub-command answers ephemerally in the ack itself: nothing to wait for.
    reply = render_help()
    ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
