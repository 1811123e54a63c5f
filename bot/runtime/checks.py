"""``python app.py check``: is everything Handoff needs in place, before anything goes wrong?

``checks()`` lists the sections; each checks one thing (Slack, the database, a CRM) and
returns the lines to print, ``ok …`` or ``FAIL …`` with what to do. A new CRM adds one entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urlparse

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.config.errors import ConfigError
from bot.config.playbook import Playbook, load_playbook
from bot.config.settings import Settings
from bot.crm.adapter import CheckReport
from bot.runtime.startup import StartupError, pending_migration, reach_database
from bot.slack.gateway import make_web_client
from bot.slack.ids import FEATURE_SCOPES, METHOD_SCOPES
from storage.db import make_engine

log = logging.getLogger("handoff")

REFUSED_TOKEN = ("invalid_auth", "not_authed", "account_inactive", "token_revoked")
Check = Callable[[Settings, Playbook], CheckReport]


def slack_host(settings: Settings) -> str:
    return urlparse(settings.slack_api_url).hostname or settings.slack_api_url


def check_slack(client: WebClient, settings: Settings) -> None:
    """At start: a refused token stops the app; an unreachable Slack only delays cards."""
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if error.response.data else error.response.status_code
        if code in REFUSED_TOKEN:
            raise ConfigError(
                f"SLACK_BOT_TOKEN was refused by Slack ({code}); copy the Bot User OAuth Token "
                "again from the Slack app's OAuth & Permissions page"
            ) from error
        log.warning("Slack answered auth.test with %s; cards wait until it recovers", code)
    except OSError as error:
        log.warning(
            "cannot reach Slack at %s (%s); cards wait until it recovers",
            slack_host(settings),
            error,
        )
    else:
        log.info(
            "Signed in to Slack workspace %s as %s", identity.get("team"), identity.get("user")
        )


def needed_scopes() -> set[str]:
    """The bot scopes manifest.yml asks for (a test keeps the two equal)."""
    return {scope for scopes in METHOD_SCOPES.values() for scope in scopes} | set(FEATURE_SCOPES)


def configured_channels(playbook: Playbook) -> dict[str, str]:
    """Playbook setting -> channel id, for every channel the playbook names."""
    named = {
        "channels.fixed_channel_id": playbook.channels.fixed_channel_id,
        "channels.cs_channel_id": playbook.channels.cs_channel_id,
        "sla.escalation_channel_id": playbook.sla.escalation_channel_id,
        "reporting.channel_id": playbook.reporting.channel_id,
        "reporting.audit_channel_id": playbook.reporting.audit_channel_id,
    }
    return {setting: channel for setting, channel in named.items() if channel}


def check_slack_setup(settings: Settings, playbook: Playbook) -> CheckReport:
    report = CheckReport()
    if not settings.slack_bot_token:
        report.bad(
            "SLACK_BOT_TOKEN is not set: copy the Bot User OAuth Token (xoxb-…) from the Slack "
            "app's OAuth & Permissions page"
        )
        return report
    client = make_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if error.response.data else error.response.status_code
        report.bad(
            f"Slack refused SLACK_BOT_TOKEN ({code}): copy it again from OAuth & Permissions"
        )
        return report
    except OSError as error:
        report.bad(
            f"cannot reach {slack_host(settings)} (SLACK_API_URL): {error}; check the network "
            "and any proxy between this server and Slack"
        )
        return report
    report.good(f"signed in to workspace {identity.get('team')} as @{identity.get('user')}")
    _check_scopes(report, identity.headers)
    for setting, channel in configured_channels(playbook).items():
        _check_channel(report, client, setting, channel)
    return report


def _check_scopes(report: CheckReport, headers: dict[str, object]) -> None:
    granted_header = next(
        (str(value) for name, value in headers.items() if name.lower() == "x-oauth-scopes"), None
    )
    if granted_header is None:
        report.bad("Slack did not say which scopes the token has; reinstall the app")
        return
    granted = {scope.strip() for scope in granted_header.split(",") if scope.strip()}
    missing = sorted(needed_scopes() - granted)
    if missing:
        report.bad(
            f"the app lacks the scopes {', '.join(missing)}: add them from manifest.yml under "
            "OAuth & Permissions > Scopes, then reinstall the app to the workspace"
        )
    else:
        report.good(f"has every scope manifest.yml asks for ({len(needed_scopes())})")


def _check_channel(report: CheckReport, client: WebClient, setting: str, channel: str) -> None:
    try:
        info = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error") if error.response.data else error.response.status_code
        if code == "channel_not_found":
            report.bad(
                f"{setting}: Slack knows no channel {channel}, or it is private and the bot is "
                "not in it; correct the id, or type /invite @Handoff in that channel"
            )
        else:
            report.bad(f"{setting}: cannot look channel {channel} up ({code})")
        return
    name = f"#{info.get('name', channel)} ({channel})"
    # Cards join a public channel by themselves; everything else posts where the bot already is.
    joins_itself = setting == "channels.fixed_channel_id" and not info.get("is_private")
    if info.get("is_member") or joins_itself:
        report.good(f"{setting}: {name}")
    else:
        report.bad(f"{setting}: the bot is not in {name}; type /invite @Handoff in that channel")


def check_database(settings: Settings, playbook: Playbook) -> CheckReport:
    report = CheckReport()
    engine = make_engine(settings.database_url)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        reach_database(engine)
        pending = pending_migration(engine)
    except StartupError as error:
        report.bad(error.user_message)
    else:
        report.good(f"reached {shown}")
        if pending:
            # `python app.py` migrates when it starts; only gunicorn needs it done beforehand.
            report.lines.append(f"note  {pending} (`python app.py` does it when it starts)")
        else:
            report.good("its tables are up to date")
    finally:
        engine.dispose()
    return report


CrmCheck = Callable[[Settings, Playbook], CheckReport | None]
# Each CRM's check (None when it is not configured), and what `--fix` can set up for it.
# The CRM packages (and their SDKs) are imported when a check runs, not when the app starts.


def _salesforce_check(settings: Settings, playbook: Playbook) -> CheckReport | None:
    from bot.crm.salesforce.runtime import check_from_settings

    return check_from_settings(settings, playbook)


def _hubspot_check(settings: Settings, playbook: Playbook) -> CheckReport | None:
    from bot.crm.hubspot.runtime import check_from_settings

    return check_from_settings(settings, playbook)


def _hubspot_setup(settings: Settings, playbook: Playbook) -> CheckReport | None:
    from bot.crm.hubspot.runtime import setup_from_settings

    return setup_from_settings(settings, playbook)


CRM_CHECKS: list[tuple[str, CrmCheck, CrmCheck | None, str]] = [
    ("Salesforce", _salesforce_check, None, "SALESFORCE_*"),
    ("HubSpot", _hubspot_check, _hubspot_setup, "HUBSPOT_*"),
]


def crm_check(
    label: str, check: CrmCheck, setup: CrmCheck | None, variables: str, *, fix: bool
) -> Check:
    def run(settings: Settings, playbook: Playbook) -> CheckReport:
        made = setup(settings, playbook) if fix and setup is not None else None
        report = check(settings, playbook)
        if report is None:
            skipped = CheckReport()
            skipped.lines.append(f"skip  not configured (set the {variables} variables to connect)")
            return skipped
        if made is not None:
            report.lines[:0] = made.lines
            report.ok = report.ok and made.ok
        if report.ok:
            report.good(f"{label} is ready for Handoff.")
        return report

    return run


def checks(*, fix: bool = False, only: str | None = None) -> list[tuple[str, Check]]:
    """The sections of ``check``: Slack, the database, then each CRM (``only``: that CRM)."""
    crms = [
        (label, crm_check(label, check, setup, variables, fix=fix))
        for label, check, setup, variables in CRM_CHECKS
        if only is None or label == only
    ]
    if only is not None:
        return crms
    return [("Slack", check_slack_setup), ("Database", check_database), *crms]


def run_check(
    settings: Settings,
    out: Callable[[str], None] = print,
    *,
    fix: bool = False,
    only: str | None = None,
) -> int:
    playbook = load_playbook(settings.playbook_path)
    ok = True
    for title, check in checks(fix=fix, only=only):
        report = check(settings, playbook)
        out(title)
        for line in report.lines:
            out(f"  {line}")
        ok = ok and report.ok
    out("Everything is in place." if ok else "Fix the lines marked FAIL, then run this again.")
    return 0 if ok else 1
