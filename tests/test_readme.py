"""The README's copy-paste webhook example works against a running app, as written."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import WEBHOOK_SECRET, RunningApp

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.S)


@pytest.mark.skipif(
    not (shutil.which("curl") and shutil.which("openssl")), reason="needs curl and openssl"
)
def test_curl_example_is_accepted(running_app: RunningApp) -> None:
    [snippet] = [block for block in bash_blocks() if "X-Handoff-Signature" in block]
    # The example's timestamp is "now"; the app's clock is the injected one.
    snippet = snippet.replace("TS=$(date +%s)", f"TS={int(running_app.clock.now().timestamp())}")
    result = subprocess.run(
        ["bash", "-c", snippet],
        env={
            "CRM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "HANDOFF_URL": running_app.url,
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    reply = json.loads(result.stdout)
    assert reply["ok"] is True and reply["status"] == "held"


def test_readme_names_every_environment_variable() -> None:
    from bot.config.settings import ENVIRONMENT_NAMES

    for name in ENVIRONMENT_NAMES.values():
        assert f"`{name}`" in README
