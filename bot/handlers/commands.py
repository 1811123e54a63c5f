"""The /handoff slash command: every reply is ephemeral."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.blocks.lists import (
    commitments_message,
    grouped_message,
    help_message,
    history_message,
    list_message,
    matches_message,
    status_message,
)
from bot.blocks.suggestions import forgotten_message
from bot.delivery.ports import RenderedMessage
from bot.handlers.routing import Later, after_ack
from bot.handlers.services import Services
from bot.slack.ids import Command
from bot.workflow.queries import mine


def register(app: App) -> None:
    app.command(Command.HANDOFF)(after_ack(handle_handoff_command))


def handle_handoff_command(
    ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext, later: Later
) -> None:
    verb, _, argument = str(command.get("text") or "").strip().partition(" ")
    answer = SUBCOMMANDS.get(verb.lower())
    if answer is None:
        reply = help_message()
        ack(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
        return
    services, user = context["services"], str(command["user_id"])

    # Lookups read the database and role lookups can call Slack: the answer follows through
    # response_url, from the after-ack pool.
    def answer_it() -> None:
        reply = answer(services, user, argument.strip())
        respond(
            response_type="ephemeral", replace_original=False, text=reply.text, blocks=reply.blocks
        )

    later(answer_it)


def _status(services: Services, user: str, query: str) -> RenderedMessage:
    if not query:
        return matches_message("", [])
    found = services.queries.lookup(query)
    return status_message(found[0]) if len(found) == 1 else matches_message(query, found)


def _history(services: Services, user: str, query: str) -> RenderedMessage:
    found = services.queries.lookup(query) if query else []
    if len(found) != 1:
        return matches_message(query, found)
    return history_message(found[0], services.queries.history(found[0].handoff_id))


def _mine(services: Services, user: str, _: str) -> RenderedMessage:
    return grouped_message(mine(services.queries.home(user)))


def _queue(services: Services, user: str, _: str) -> RenderedMessage:
    return list_message(
        "Unclaimed handoffs",
        services.queries.queue(),
        empty="Every handoff has an owner.",
        claimable=True,
    )


def _overdue(services: Services, user: str, _: str) -> RenderedMessage:
    handoffs = list_message(
        "Overdue handoffs", services.queries.overdue(), empty="Nothing is past its SLA."
    )
    late = services.queries.commitments(user=user, scope="overdue")
    if not late:
        return handoffs
    promises = commitments_message("Overdue commitments", late, empty="")
    return RenderedMessage(
        text=f"{handoffs.text}\n{promises.text}", blocks=[*handoffs.blocks, *promises.blocks]
    )


def _commitments(services: Services, user: str, scope: str) -> RenderedMessage:
    """`/handoff commitments [mine|overdue|<account>]`."""
    wanted = scope.strip() or "mine"
    found = services.queries.commitments(user=user, scope=wanted)
    titles = {"mine": "Your open commitments", "overdue": "Overdue commitments"}
    title = titles.get(wanted.casefold(), f"Commitments for “{wanted}”")
    return commitments_message(title, found, empty="No commitment here.")


def _forget(services: Services, user: str, query: str) -> RenderedMessage:
    """Admins: delete a deal's stored calls, channel messages and suggestions. A name that
    matches no handoff is taken as the CRM id of a deal whose transcripts wait for it."""
    found = services.queries.lookup(query) if query else []
    if len(found) > 1 or not query:
        return matches_message(query, found)
    if found:
        done = services.context.forget(actor=user, handoff_id=found[0].handoff_id)
    else:
        done = services.context.forget(actor=user, deal_id=query)
    return forgotten_message(
        done.deal or query, calls=done.calls, messages=done.messages, suggestions=done.suggestions
    )


def _report(services: Services, user: str, _: str) -> RenderedMessage:
    services.reports.request(user_id=user)
    return RenderedMessage(
        text=":bar_chart: Last week's KPI report, with its chart, is on its way to your DM "
        "with Handoff.",
        blocks=[],
    )


SUBCOMMANDS: dict[str, Callable[[Services, str, str], RenderedMessage]] = {
    "report": _report,
    "status": _status,
    "history": _history,
    "mine": _mine,
    "queue": _queue,
    "overdue": _overdue,
    "commitments": _commitments,
    "forget": _forget,
}
