"""Benchmark: Salesforce API calls Handoff spends, against the loopback HTTPS fake org.

    python bench/salesforce.py [--changed 10000] [--writes 1000]

Ingests N changed Opportunities through the poll (2,000 records a page) and writes back M
status changes through the outbox (25 subrequests per composite call), counting the API calls
the fake org receives.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app as handoff_app
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from storage.migrate import upgrade
from tests.support.fake_salesforce import FakeSalesforce


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--writes", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="handoff-bench-sf-") as tmp:
        workdir = Path(tmp)
        org = FakeSalesforce(workdir).start()
        slack = FakeSlack(token="xoxb-bench").start()
        playbook = load_playbook()
        mapping = playbook.salesforce.model_copy(
            update={
                "write_back": playbook.salesforce.write_back.model_copy(
                    update={"status": "Handoff_Status__c"}
                )
            }
        )
        playbook = playbook.model_copy(update={"salesforce": mapping})
        clock = ManualClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="s",
            slack_api_url=slack.url,
            database_url=f"sqlite:///{workdir / 'b.db'}",
            # The records are of the last day: read them, as an admin backfilling would.
            crm_backfill_from=(clock.now() - timedelta(days=2)).date(),
        )
        runtime = handoff_app.build_runtime(
            settings, playbook=playbook, clock=clock, salesforce_connect=org.connect
        )
        upgrade(runtime.engine)
        assert runtime.salesforce is not None
        start = clock.now() - timedelta(days=1)
        for n in range(args.changed):
            org.put_opportunity(
                f"006BENCH{n:010d}",
                at=start + timedelta(milliseconds=n * 10),
                Name=f"Deal {n}",
                StageName="Closed Won",
                Amount=1000.0,
                ae_email="ae@vendor.example",
                account_name=f"Account {n}",
            )
        calls = org.api_calls
        started = time.perf_counter()
        applied = runtime.salesforce.poller.poll()
        poll_seconds = time.perf_counter() - started
        poll_calls = org.api_calls - calls

        calls = org.api_calls
        started = time.perf_counter()
        # Each poll-applied handoff queued one status write; send the first M of them.
        runtime.salesforce.writeback._batch_size = args.writes
        report = runtime.salesforce.writeback.run_once()
        write_seconds = time.perf_counter() - started
        write_calls = org.api_calls - calls
        org.stop()
        slack.stop()
    print(
        f"ingest {applied} changed Opportunities by polling: {poll_calls} API calls "
        f"({poll_seconds:.1f} s, 2,000 records a page)"
    )
    print(
        f"write back {report.outbox_done} status changes: {write_calls} API calls "
        f"({write_seconds:.1f} s, 25 per composite request)"
    )


if __name__ == "__main__":
    main()
