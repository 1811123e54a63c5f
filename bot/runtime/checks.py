"""Start-up checks the command line runs: the Slack token, and the Salesforce org."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config.errors import ConfigError
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.crm.salesforce.check import check_salesforce
from bot.crm.salesforce.runtime import gateway_from_settings

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


def run_check(settings: Settings) -> int:
    gateway = gateway_from_settings(settings)
    if gateway is None:
        print("Salesforce is not configured: set the SALESFORCE_* variables (see the README).")
        return 1
    report = check_salesforce(gateway, load_playbook(settings.playbook_path))
    print("\n".join(report.lines))
    print("Salesforce is ready for Handoff." if report.ok else "Fix the lines marked FAIL.")
    return 0 if report.ok else 1
