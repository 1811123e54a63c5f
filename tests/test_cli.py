"""The two commands a user runs: `python app.py` (and its subcommands) as real processes."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.sandbox import FakeSlack
from tests.conftest import AE_EMAIL, AE_ID, BOT_TOKEN, DEAL_CHANNEL, SIGNING_SECRET, WEBHOOK_SECRET
from tests.support.events import deal_event
from tests.support.signing import post_crm_event, post_to_slack_endpoint, slash_command

ROOT = Path(__file__).resolve().parent.parent


def run_app(
    *args: str, env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "app.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env(**extra: str) -> dict[str, str]:
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "HANDOFF_", "CRM_", "DATABASE_"))
    }
    return {**keep, **extra}


def test_migrate_creates_the_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'h.db'}"
    result = run_app("migrate", env=clean_env(DATABASE_URL=url))
    assert result.returncode == 0, result.stderr
    assert "is up to date" in result.stdout
    assert (tmp_path / "sub" / "h.db").exists()


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PORT": "eighty"}, "configuration error: PORT"),
        ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN is not set"),
        (
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "HANDOFF_PLAYBOOK": "/nope.yml",
            },
            "playbook /nope.yml: cannot read it",
        ),
    ],
)
def test_bad_configuration_stops_with_a_message(
    env: dict[str, str], message: str, tmp_path: Path
) -> None:
    result = run_app(env=clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'h.db'}", **env))
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_playbook_value_is_named(tmp_path: Path) -> None:
    playbook = tmp_path / "playbook.yml"
    playbook.write_text("fields: [{key: a, label: A}]\nsla: {warn_hours: 72}\n")
    env = clean_env(
        SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", HANDOFF_PLAYBOOK=str(playbook)
    )
    result = run_app(env=env)
    assert result.returncode != 0
    assert "sla: warn_hours must be less than breach_hours" in result.stderr


def test_demo_runs_offline_in_under_30_seconds(tmp_path: Path) -> None:
    started = time.monotonic()
    links = tmp_path / "cards.html"
    result = run_app("demo", "--links", str(links), env=clean_env(), timeout=30)
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    out = result.stdout
    assert "POST /crm/events -> 202" in out
    assert out.count("--- Handoff card posted to #handoff-acme-corp ---") == 1
    assert out.count("--- Handoff card posted to") == 2
    assert '"duplicate": true' in out
    # The full path: gaps → a partial save → a call fills the rest (its promise proposed) → a
    # refused claim → a CSM claims → the sync, where the promise is confirmed → ready →
    # kickoff, first value from the ⋯ menu, feedback (the promise delivered) → SLA → KPIs.
    steps = [
        "Required fields (2/4)",
        "[ *Add details* ]  [ Claim ]  [ View brief ]  [ Open in CRM ]  "
        "[ ⋯ Grant exception / Commitments ]",
        "[modal] “Handoff details”: Primary use case, Success metrics",
        "Known risks (optional)",
        "✅ Saved. Still required: Promises made in the sale.",
        "Required fields (3/4)",
        # A discovery call shared in the channel becomes a pre-filled modal, quotes and all.
        "the AE shares the transcript of last week's discovery call",
        # The promise said on the call joins the commitments ledger, which fills the field.
        "Required fields (4/4)",
        "suggestions from calls and the deal channel wait for @Dana (AE)",
        "Found in the deal's calls, proposed as commitments: “Have SSO live",
        "The AE opens Add details: the empty fields are filled in from the call.",
        "Also said: “Priya Shah, CFO” — From the",
        "[only visible to them] Only a CSM can claim this handoff",
        "Owner: @Casey (CSM)",
        "[ *Review commitments* ]",
        "[ ⋯ Grant exception / Reassign / Release / Commitments ]",
        "Commitments to confirm or drop",
        "[file in DM with @Dana (AE)] handoff-sync.ics",
        "🔔 The handoff sync for Acme — Platform starts at",
        "[modal] “Review commitments”",
        "@Casey (CSM) confirmed the commitment “Have SSO live",
        "captured the sync outcomes",
        "[modal] “Mark handoff ready”",
        "Status: 🟢 Handoff ready",
        "✅ Reviewer flag — @Rita (reviewer)",
        "🤝 Commitments: 1 confirmed",
        "🟢 @Rita (reviewer) marked this handoff ready",
        "recorded the customer kickoff",
        "picks “First value reached” from the card's ⋯ menu",
        "🎯 @Casey (CSM) recorded that the customer reached first value.",
        "It is two weeks since the kickoff of Acme — Platform",
        "sent feedback on the handoff of Acme — Platform. Commitments: “Have SSO live",
        "[#cs-team] ⏰ Globex — Payroll (card in #handoff-globex)",
        "[#cs-escalations] 🚨 SLA breached: Globex — Payroll",
        "Handoff KPIs — week of",
        "SLA hit rate: 0% of 1 due",
        "[file in #cs-leadership] handoff-kpis.png",
        "2 handoff cards",
    ]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions, [s for s, p in zip(steps, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    # Readable: no Slack markup, ids or emoji codes left, and no 3 KB builder URLs.
    assert not re.search(r"<[@#!]|:[a-z_]+:|\bC0[0-9A-Z]{6,}\b", out), re.findall(
        r"<[@#!][^>]*>|:[a-z_]+:|\bC0[0-9A-Z]{6,}\b", out
    )
    assert "block-kit-builder" not in out and max(len(line) for line in out.splitlines()) < 400
    assert "Traceback" not in result.stderr and "WARNING" not in result.stderr
    page = links.read_text()
    assert page.count("https://app.slack.com/block-kit-builder/#") == out.count("--- Handoff card")


def test_demo_says_how_to_get_the_builder_links() -> None:
    from bot.runtime.build import build_runtime
    from bot.sandbox.demo import run_demo

    printed: list[str] = []
    run_demo(build_runtime, out=printed.append)
    assert (
        printed[-1] == "To see each card as Slack draws it: python app.py demo --links cards.html"
    )
    assert not [line for line in printed if "block-kit-builder" in line]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, FakeSlack]]:
    slack = FakeSlack(token=BOT_TOKEN).start()
    slack.add_user(AE_ID, email=AE_EMAIL, name="Dana")
    slack.add_channel(DEAL_CHANNEL, "deal-acme")
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.url,
        CRM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'handoff.db'}",
        PORT=str(port),
    )
    process = subprocess.Popen(
        [sys.executable, "app.py"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    url = f"http://127.0.0.1:{port}"
    session = requests.Session()
    session.trust_env = False
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if session.get(url + "/healthz", timeout=1).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.fail(
            "python app.py did not answer /healthz: "
            + (process.stderr.read() if process.stderr else "")
        )
    yield url, slack
    process.terminate()
    process.wait(timeout=10)
    slack.stop()


def test_python_app_py_serves_http_end_to_end(served: tuple[str, FakeSlack]) -> None:
    url, slack = served
    reply = post_crm_event(url, deal_event(), secret=WEBHOOK_SECRET)
    assert reply.status == 202
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not slack.messages(DEAL_CHANNEL):
        time.sleep(0.1)  # the scheduler's relay tick runs in the served process
    assert len(slack.messages(DEAL_CHANNEL)) == 1
    help_reply = post_to_slack_endpoint(url, slash_command("help"), secret=SIGNING_SECRET)
    assert help_reply.status == 200 and help_reply.body["response_type"] == "ephemeral"


def test_help_describes_the_program_and_each_command() -> None:
    result = run_app("--help", env=clean_env())
    assert result.returncode == 0
    out = result.stdout
    assert out.startswith("usage: python app.py [-h] COMMAND")
    assert "Handoff runs the sales to customer-success handoff in Slack." in out
    for command in ("serve", "migrate", "demo", "check", "help"):
        [line] = [line for line in out.splitlines() if line.strip().startswith(command + " ")]
        assert len(line.split(None, 1)[1]) > 20, line  # one line that says what it does
    assert run_app("help", env=clean_env()).stdout == out


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["demo", "--help"], "--links FILE"),
        (["help", "demo"], "--links FILE"),
        (["check", "--help"], "the scopes it was granted against manifest.yml's"),
        (["help", "migrate"], "Run it once per release before starting gunicorn"),
        (["serve", "--help"], "Apply any pending database migrations"),
    ],
)
def test_each_command_has_its_own_help(
    args: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.runtime.cli import main

    try:
        main(args)
    except SystemExit as stop:  # argparse's --help exits 0 once it has printed
        assert stop.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


def test_an_unknown_command_is_named() -> None:
    result = run_app("frobnicate", env=clean_env())
    assert result.returncode == 2
    assert "invalid choice: 'frobnicate'" in result.stderr and "Traceback" not in result.stderr


def test_extract_prints_what_handoff_would_pull_from_a_transcript(tmp_path: Path) -> None:
    from tests.support.context import USE_CASE, as_vtt

    call = tmp_path / "acme-discovery.vtt"
    call.write_text(as_vtt())
    result = run_app("extract", str(call), "--call-date", "2026-11-20", env=clean_env())
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    assert set(found) == {"fields", "stakeholders", "commitments"}
    assert found["fields"]["primary_use_case"][0]["quote"] == USE_CASE
    assert found["commitments"][0]["due"] == "2027-01-15"
    assert "read with the built-in extractor" in result.stderr
    missing = run_app("extract", str(tmp_path / "nope.vtt"), env=clean_env())
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_extract_uses_the_configured_model(tmp_path: Path) -> None:
    from tests.support.context import USE_CASE, as_plain
    from tests.support.fake_openai import Reply, running_fake

    call = tmp_path / "call.txt"
    call.write_text(as_plain())
    empty = {k: [] for k in ("use_case", "success_metrics", "stakeholders", "commitments")}
    answer = {**empty, "timeline": [], "recordings": [], "risks": []}
    answer["use_case"] = [{"value": "One billing system", "quote": USE_CASE, "speaker": None}]
    with running_fake(model="m1") as fake:
        fake.replies.append(Reply.answer(answer))
        env = clean_env(HANDOFF_LLM_BASE_URL=fake.base_url, HANDOFF_LLM_MODEL="m1")
        result = run_app("extract", str(call), env=env)
    assert result.returncode == 0, result.stderr
    assert "read with the model m1" in result.stderr
    [use_case] = json.loads(result.stdout)["fields"]["primary_use_case"]
    assert (use_case["value"], use_case["speaker"]) == ("One billing system", "Priya Shah")
