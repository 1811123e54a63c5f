"""Start-up checks the command line runs: the Slack token, and each configured CRM."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config.errors import ConfigError
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.crm.adapter import CheckReport
from bot.crm.hubspot import runtime as hubspot
from bot.crm.salesforce import runtime as salesforce

log = logging.getLogger("handoff")


def check_slack(client: WebClient) -> None:
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if error.response.data else error.response.status_code
        if code in ("invalid_auth", "not_authed", "account_inactive", "token_revoked"):
            raise ConfigError(f"SLACK_BOT_TOKEN was refused by Slack ({code})") from error
        log.warning("Slack answered auth.test with %s; cards wait until it recovers", code)
    except OSError as error:
        log.warning("Slack is unreachable (%s); cards wait until it recovers", error)
    else:
        log.info(
            "Signed in to Slack workspace %s as %s", identity.get("team"), identity.get("user")
        )


CrmCheck = Callable[[Settings, Playbook], CheckReport | None]
# Each CRM's check (None when it is not configured), and what `--fix` can set up for it.
CRM_CHECKS: list[tuple[str, CrmCheck, CrmCheck | None]] = [
    ("Salesforce", salesforce.check_from_settings, None),
    ("HubSpot", hubspot.check_from_settings, hubspot.setup_from_settings),
]


def run_check(settings: Settings, *, fix: bool = False, only: str | None = None) -> int:
    """Check every configured CRM (``only``: that one); with ``fix``, set up what can be."""
    playbook = load_playbook(settings.playbook_path)
    checked, ok = 0, True
    for label, check, setup in CRM_CHECKS:
        if only is not None and label != only:
            continue
        if fix and setup is not None and (made := setup(settings, playbook)) is not None:
            print("\n".join(made.lines))
            ok = ok and made.ok
        report = check(settings, playbook)
        if report is None:
            continue
        checked += 1
        print("\n".join(report.lines))
        print(
            f"{label} is ready for Handoff."
            if report.ok
            else f"{label}: fix the lines marked FAIL."
        )
        ok = ok and report.ok
    if not checked:
        wanted = f"the {only.upper()}_* variables" if only else "SALESFORCE_* or HUBSPOT_*"
        print(f"No CRM to check: set {wanted} (see the README).")
        return 1
    return 0 if ok else 1
