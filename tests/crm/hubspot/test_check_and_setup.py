"""``python app.py check`` and ``python app.py setup-hubspot`` as processes, against the fake."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.sandbox import FakeSlack
from tests.crm.hubspot.conftest import FIELDS, REVOPS_EMAIL
from tests.support.fake_hubspot import FakeHubSpot

ROOT = Path(__file__).resolve().parents[3]
WRITE_BACK = {
    "status": "handoff_status",
    "owner": "handoff_owner",
    "ready": "handoff_ready",
    "ready_at": "handoff_ready_at",
    "slack_link": "handoff_slack_link",
}


@pytest.fixture
def portal() -> Iterator[FakeHubSpot]:
    fake = FakeHubSpot().start()
    for name in FIELDS.values():
        fake.add_deal_property(name, kind="string", field_type="textarea")
    fake.add_owner(email=REVOPS_EMAIL)
    yield fake
    fake.stop()


def write_playbook(folder: Path, **hubspot: Any) -> Path:
    text = resources.files("bot.config").joinpath("default_playbook.yml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["hubspot"] = {
        "pipelines": {"default": {"closing": ["closedwon"], "lost": ["closedlost"]}},
        "fields": FIELDS,
        "write_back": WRITE_BACK,
        "task_owner": REVOPS_EMAIL,
        **hubspot,
    }
    path = folder / "playbook.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True))
    return path


def run(
    *args: str, fake: FakeHubSpot, slack: FakeSlack, playbook: Path, token: str | None = None
) -> Any:
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "HUBSPOT_", "SALESFORCE_", "HANDOFF_", "CRM_"))
        },
        # `check` also checks Slack and the database: a stand-in and a file next to the playbook.
        "SLACK_BOT_TOKEN": slack.token,
        "SLACK_API_URL": slack.url,
        "DATABASE_URL": f"sqlite:///{playbook.parent / 'handoff.db'}",
        "HUBSPOT_ACCESS_TOKEN": token or fake.token,
        "HUBSPOT_API_URL": fake.url,
        "HUBSPOT_PORTAL_ID": str(fake.portal_id),
        "HANDOFF_PLAYBOOK": str(playbook),
    }
    result = subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_setup_creates_the_group_and_properties_then_check_passes(
    portal: FakeHubSpot, slack: FakeSlack, tmp_path: Path
) -> None:
    playbook = write_playbook(tmp_path)
    before = run("check", fake=portal, slack=slack, playbook=playbook)
    assert before.returncode == 1
    assert (
        "FAIL  deals have no property 'handoff_status' (hubspot.write_back.status): "
        "run `python app.py setup-hubspot`" in before.stdout
    )

    setup = run("setup-hubspot", fake=portal, slack=slack, playbook=playbook)
    assert setup.returncode == 0, setup.stdout
    assert (
        "ok    created the deal property handoff_status (Handoff status, enumeration)"
        in setup.stdout
    )
    assert "HubSpot is ready for Handoff." in setup.stdout
    assert portal.groups["handoff"]["label"] == "Handoff"
    status = portal.deal_properties["handoff_status"]
    assert (status["type"], status["groupName"]) == ("enumeration", "handoff")
    assert [o["value"] for o in status["options"]] == [
        "Upcoming",
        "Held",
        "Open",
        "Ready",
        "Closed",
    ]
    assert portal.deal_properties["handoff_ready"]["type"] == "bool"
    assert portal.deal_properties["handoff_ready_at"]["type"] == "datetime"

    again = run("check", "--fix", fake=portal, slack=slack, playbook=playbook)
    assert again.returncode == 0 and "created" not in again.stdout
    assert "ok    the private app has every scope Handoff needs" in again.stdout
    assert (
        "ok    hubspot.pipelines.default.closing: closedwon (Closed Won) in Sales Pipeline"
        in again.stdout
    )
    assert f"ok    tasks fall back to {REVOPS_EMAIL}" in again.stdout


def test_check_names_each_problem_in_plain_words(
    portal: FakeHubSpot, slack: FakeSlack, tmp_path: Path
) -> None:
    playbook = write_playbook(tmp_path)
    run("setup-hubspot", fake=portal, slack=slack, playbook=playbook)
    portal.scopes.discard("crm.objects.deals.write")
    portal.deal_properties["handoff_ready"]["type"] = "number"
    broken = write_playbook(
        tmp_path,
        pipelines={
            "default": {"closing": ["closed_won"], "lost": ["closedlost"]},
            "8675309": {"closing": ["1"]},
        },
        fields={**FIELDS, "risks": "handoff_risks"},
        task_owner="nobody@vendor.example",
    )
    result = run("check", fake=portal, slack=slack, playbook=broken)
    assert result.returncode == 1
    out = result.stdout
    for line in (
        "FAIL  the private app lacks the scope crm.objects.deals.write: needed to write the "
        "handoff back onto deals",
    ):
        assert line in out
    assert "Fix the lines marked FAIL, then run this again." in out

    portal.scopes.add("crm.objects.deals.write")
    result = run("check", fake=portal, slack=slack, playbook=broken)
    out = result.stdout
    for line in (
        "FAIL  hubspot.pipelines.default.closing: no stage 'closed_won' in Sales Pipeline; its "
        "stages: appointmentscheduled (Appointment Scheduled), qualifiedtobuy (Qualified To Buy), "
        "contractsent (Contract Sent), closedwon (Closed Won), closedlost (Closed Lost)",
        "FAIL  pipeline '8675309' does not exist; deal pipelines: default (Sales Pipeline)",
        "ok    hubspot.pipelines.default.lost: closedlost (Closed Lost) in Sales Pipeline",
        "FAIL  deals have no property 'handoff_risks' (hubspot.fields.risks): create it or fix "
        "the playbook",
        "FAIL  deal property handoff_ready (hubspot.write_back.ready) is of type number; Handoff "
        "writes bool or enumeration",
        "FAIL  no HubSpot user has the email nobody@vendor.example (hubspot.task_owner)",
    ):
        assert line in out, out
    assert result.returncode == 1


def test_a_revoked_token_is_said_so(portal: FakeHubSpot, slack: FakeSlack, tmp_path: Path) -> None:
    result = run(
        "check",
        fake=portal,
        slack=slack,
        playbook=write_playbook(tmp_path),
        token="pat-na1-revoked",
    )
    assert result.returncode == 1
    assert (
        "FAIL  HubSpot answered: HubSpot refused the access token during token info: the "
        "token was revoked or is invalid" in result.stdout
    )


def test_without_any_crm_check_says_what_to_set(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "HUBSPOT_", "SALESFORCE_", "HANDOFF_", "CRM_"))
    }
    result = subprocess.run(
        [sys.executable, "app.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "skip  not configured (set the SALESFORCE_* variables to connect)" in result.stdout
    assert "skip  not configured (set the HUBSPOT_* variables to connect)" in result.stdout
