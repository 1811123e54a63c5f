"""The shapes of the ids a playbook names, each with an error that says what to write instead.

Slack and Salesforce accept only ids in these places; a name ("cs-escalations", "casey") would
be accepted by YAML and fail days later at the first escalation, so it is refused at start.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
USERGROUP_HANDLE = re.compile(r"^@[a-z0-9][a-z0-9._-]{0,79}$")
CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
SALESFORCE_USER_ID = re.compile(r"^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$")

FIND_CHANNEL_ID = "in Slack, open the channel's details: the id is at the bottom"
FIND_USER_ID = "in Slack, open their profile, ⋮ > Copy member ID"


def _channel_id(value: str) -> str:
    if not CHANNEL_ID.match(value):
        raise ValueError(
            f"{value!r} is not a Slack channel id; write an id such as C0123ABCD "
            f"({FIND_CHANNEL_ID})"
        )
    return value


def _member(value: str) -> str:
    if not (SLACK_ID.match(value) or USERGROUP_HANDLE.match(value)):
        raise ValueError(
            f"{value!r} is neither a Slack user id nor a user group handle; write an id such "
            f"as U0123ABCD ({FIND_USER_ID}) or a handle such as @cs-team"
        )
    return value


def _slack_user_id(value: str) -> str:
    if not SLACK_ID.match(value):
        raise ValueError(
            f"{value!r} is not a Slack user id; write an id such as U0123ABCD ({FIND_USER_ID})"
        )
    return value


def _salesforce_user_id(value: str) -> str:
    if not SALESFORCE_USER_ID.match(value):
        raise ValueError(
            f"{value!r} is not a Salesforce user id; write the 15 or 18 character id starting "
            "with 005 (Setup > Users, in the address of the user's page)"
        )
    return value


# A Slack channel id (C… or G…); a person: a user id (U…/W…) or a user group (@handle).
ChannelId = Annotated[str, AfterValidator(_channel_id)]
Member = Annotated[str, AfterValidator(_member)]
SlackUserId = Annotated[str, AfterValidator(_slack_user_id)]
SalesforceUserId = Annotated[str, AfterValidator(_salesforce_user_id)]
