"""A HubSpot deal's properties onto the one ``DealEvent`` shape every CRM produces."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from bot.crm.events import DealPhase
from bot.crm.hubspot.mapping import Context, read_properties, record_url, to_event
from tests.crm.hubspot.conftest import hubspot_mapping

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_deal_becomes_a_deal_event_with_its_phase_by_pipeline() -> None:
    mapping = hubspot_mapping(currency="deal_currency_code")
    props = {
        "dealname": "Acme — Platform",
        "amount": "120000.5",
        "closedate": "2026-11-21T00:00:00Z",
        "dealstage": "7001003",
        "pipeline": "7001",
        "deal_currency_code": "eur",
        "handoff_use_case": "Consolidate billing",
        "handoff_success_metrics": "   ",
    }
    context = Context("Acme Corp", "Dana@Acme-Vendor.example", "Signed", "https://x/deal/1")
    event = to_event("1", props, AT, mapping=mapping, context=context)
    assert (event.source, event.external_id, event.occurred_at) == (
        "hubspot",
        "1@2026-11-23T09:00:00+00:00",
        AT,
    )
    deal = event.deal
    assert (deal.name, deal.stage, deal.account_name) == ("Acme — Platform", "Signed", "Acme Corp")
    assert deal.amount == Decimal("120000.50") and deal.currency == "EUR"
    assert deal.close_date == date(2026, 11, 21) and deal.ae_email == "dana@acme-vendor.example"
    assert deal.phase is DealPhase.CLOSING
    assert deal.fields["primary_use_case"] == "Consolidate billing"
    assert deal.fields["success_metrics"] is None  # blank in HubSpot clears a CRM value
    assert "deal_currency_code" in read_properties(mapping)


def test_unwatched_stages_and_odd_values_do_not_break_the_mapping() -> None:
    props = {"dealstage": "closedwon", "pipeline": "7001", "amount": "lots", "closedate": "soon"}
    event = to_event(
        "2", props, AT, mapping=hubspot_mapping(), context=Context(None, None, None, None)
    )
    deal = event.deal
    assert deal.phase is DealPhase.OTHER  # closedwon is watched in "default", not in 7001
    assert deal.amount is None and deal.close_date is None and deal.name == "Deal 2"
    assert deal.stage == "closedwon"  # no label known: the id


def test_the_record_link_follows_the_tokens_data_centre() -> None:
    na = record_url(portal_id=24680135, deal_id="9", access_token="pat-na1-abc")
    eu = record_url(portal_id=24680135, deal_id="9", access_token="pat-eu1-abc")
    assert na == "https://app.hubspot.com/contacts/24680135/record/0-3/9"
    assert eu == "https://app-eu1.hubspot.com/contacts/24680135/record/0-3/9"
    assert record_url(portal_id=None, deal_id="9", access_token="pat-na1-abc") is None
