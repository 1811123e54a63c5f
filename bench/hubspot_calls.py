"""Benchmark: HubSpot API calls Handoff spends, against the loopback fake of HubSpot's CRM API.

    python bench/hubspot_calls.py [--changed 2000] [--writes 1000] [--owners 20] [--companies 50]

Three paths, each counted by the fake per endpoint and printed next to its floor, ⌈N/100⌉ (a
search page and every batch call carry at most 100 deals):

1. the poll ingests N changed deals (search pages of 100, then each page's company links and
   names; owners come from one cached list);
2. N signed webhook notifications for changed deals are read back (100 deals a batch read);
3. N pending status changes are written back (100 deals a batch update).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

# This file is named like the ``hubspot`` package it measures: its folder (first on the path
# when run as a script) gives way to the project's root.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import app as handoff_app
from bot.config.playbook import load_playbook
from bot.config.settings import Settings
from bot.crm.hubspot.check import setup_hubspot
from bot.crm.hubspot.client import HubSpotClient
from bot.crm.hubspot.runtime import HubSpotAdapter
from bot.domain.clock import ManualClock
from bot.sandbox import FakeSlack
from bot.web.server import HttpServer
from storage.enums import CrmName
from storage.migrate import upgrade
from tests.support.fake_hubspot import FakeHubSpot
from tests.support.fake_hubspot_routes import Ticker
from tests.support.hubspot_webhooks import CLIENT_SECRET, post_webhook, stage_change

LABELS = {
    "/crm/v3/objects/deals/search": "search pages",
    "/crm/v3/objects/deals/batch/read": "deal batch reads",
    "/crm/v4/associations/deals/companies/batch/read": "company link reads",
    "/crm/v3/objects/companies/batch/read": "company name reads",
    "/crm/v3/objects/deals/batch/update": "deal batch updates",
    "/crm/v3/owners/": "owner list pages",
    "/crm/v3/pipelines/deals": "pipeline reads",
    "/crm/v3/properties/deals": "property schema reads",
}


def counted(fake: FakeHubSpot, since: int) -> Counter[str]:
    return Counter(LABELS.get(call.path, call.path) for call in fake.calls[since:])


def report(title: str, n: int, calls: Counter[str], seconds: float, batched: list[str]) -> None:
    floor = math.ceil(n / 100)
    total = sum(calls.values())
    print(f"{title}: {total} API calls in {seconds:.1f} s")
    for label, count in sorted(calls.items(), key=lambda item: -item[1]):
        if label in batched:
            print(
                f"  {label:<20} {count:>6}   floor ⌈N/100⌉ = {floor:<6} ratio {count / floor:.2f}"
            )
        else:
            print(f"  {label:<20} {count:>6}   (once per process or per hour, not per deal)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changed", type=int, default=2_000)
    parser.add_argument("--writes", type=int, default=1_000)
    parser.add_argument("--owners", type=int, default=20)
    parser.add_argument("--companies", type=int, default=50)
    args = parser.parse_args()
    clock = ManualClock(datetime(2026, 11, 23, 9, tzinfo=UTC))
    with tempfile.TemporaryDirectory(prefix="handoff-bench-hs-") as tmp:
        fake = FakeHubSpot(clock=Ticker(follow=clock.now)).start()
        slack = FakeSlack(token="xoxb-bench").start()
        playbook = load_playbook()
        mapping = playbook.hubspot.model_copy(
            update={
                "write_back": playbook.hubspot.write_back.model_copy(
                    update={"status": "handoff_status"}
                )
            }
        )
        playbook = playbook.model_copy(update={"hubspot": mapping})
        setup_hubspot(HubSpotClient(access_token=fake.token, base_url=fake.url), mapping)
        settings = Settings(
            slack_bot_token="xoxb-bench",
            slack_signing_secret="s",
            slack_api_url=slack.url,
            database_url=f"sqlite:///{Path(tmp) / 'b.db'}",
            hubspot_access_token=fake.token,
            hubspot_api_url=fake.url,
            hubspot_client_secret=CLIENT_SECRET,
            hubspot_portal_id=fake.portal_id,
            hubspot_poll_seconds=0,
        )
        runtime = handoff_app.build_runtime(settings, playbook=playbook, clock=clock)
        upgrade(runtime.engine)
        hubspot = runtime.crm(CrmName.HUBSPOT)
        assert isinstance(hubspot, HubSpotAdapter)
        server = HttpServer(runtime.wsgi_app, host="127.0.0.1", port=0)
        server.start_in_background()
        url = f"http://127.0.0.1:{server.port}"

        hubspot.reader.poll()  # connects: the cursor is now
        owners = [fake.add_owner(email=f"ae{n}@vendor.example") for n in range(args.owners)]
        companies = [fake.add_company(name=f"Account {n}") for n in range(args.companies)]
        deals = [
            fake.add_deal(
                owner_id=owners[n % len(owners)],
                company_id=companies[n % len(companies)],
                dealname=f"Deal {n}",
                amount="1000",
            )
            for n in range(args.changed)
        ]

        mark, started = len(fake.calls), time.perf_counter()
        applied = hubspot.reader.poll()
        report(
            f"poll: ingest {applied} changed deals",
            applied,
            counted(fake, mark),
            time.perf_counter() - started,
            ["search pages", "company link reads", "company name reads"],
        )

        # Every deal changes again in HubSpot and HubSpot notifies, 100 to a request.
        for deal_id in deals:
            fake.update_deal(deal_id, amount="2000")
        for start in range(0, len(deals), 100):
            batch = [
                stage_change(start + n + 1, deal_id, at=clock.now(), prop="amount", stage="2000")
                for n, deal_id in enumerate(deals[start : start + 100])
            ]
            assert post_webhook(url, batch, at=clock.now()).status == 200
        mark, started = len(fake.calls), time.perf_counter()
        while hubspot.reader.read_back().outbox_done:
            pass
        report(
            f"webhooks: read back {len(deals)} notified deals",
            len(deals),
            counted(fake, mark),
            time.perf_counter() - started,
            ["deal batch reads", "company link reads", "company name reads"],
        )

        # Each handoff the poll started queued one status write; send the first M of them.
        mark, started = len(fake.calls), time.perf_counter()
        hubspot.writeback.batch_size = args.writes
        done = hubspot.writeback.run_once().outbox_done
        report(
            f"write back {done} status changes",
            done,
            counted(fake, mark),
            time.perf_counter() - started,
            ["deal batch updates"],
        )
        server.stop()
        fake.stop()
        slack.stop()


if __name__ == "__main__":
    main()
