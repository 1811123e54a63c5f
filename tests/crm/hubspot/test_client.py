"""``HubSpotClient`` on the real hubspot-api-client, against the loopback fake of HubSpot."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.crm.hubspot.client import HubSpotClient
from bot.crm.hubspot.errors import HubSpotAuthError, HubSpotRejected, refusal, retry_after
from tests.support.fake_hubspot import START, FakeHubSpot

DEALS_READ = "/crm/v3/objects/deals/batch/read"
DEALS_UPDATE = "/crm/v3/objects/deals/batch/update"
SEARCH = "/crm/v3/objects/deals/search"
LINKS_READ = "/crm/v4/associations/deals/companies/batch/read"
COMPANIES_READ = "/crm/v3/objects/companies/batch/read"


@pytest.fixture
def fake() -> Iterator[FakeHubSpot]:
    server = FakeHubSpot().start()
    yield server
    server.stop()


@pytest.fixture
def client(fake: FakeHubSpot) -> HubSpotClient:
    return HubSpotClient(access_token=fake.token, base_url=fake.url, timeout=5)


def ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


# -- search -----------------------------------------------------------------------------------
def test_search_sends_hubspots_filter_sort_and_page_size_with_the_bearer_token(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    fake.add_deal(dealname="Acme")
    client.search_deals(modified_since=START, stage_ids=["closedwon"], properties=["dealname"])

    (call,) = fake.calls_to(SEARCH, "POST")
    filters = call.body["filterGroups"][0]["filters"]
    assert {"propertyName": "dealstage", "operator": "IN", "values": ["closedwon"]} in filters
    assert {"propertyName": "hs_lastmodifieddate", "operator": "GTE", "value": ms(START)} in filters
    assert call.body["sorts"] == [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]
    assert call.body["limit"] == 100
    assert client.calls == 1


def test_search_pages_through_matching_stages_in_modified_order(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    won = [fake.add_deal(dealname=f"Won {n}") for n in range(250)]
    for n in range(30):
        fake.add_deal(stage="contractsent", dealname=f"Open {n}")
    fake.update_deal(won[0], dealname="Touched last")  # now the most recently modified

    seen, after, pages = [], None, 0
    while True:
        page = client.search_deals(
            modified_since=START, stage_ids=["closedwon"], properties=["dealname"], after=after
        )
        pages += 1
        seen += page.deals
        if page.next_after is None:
            break
        after = page.next_after
    assert pages == 3 and page.total == 250 and not page.window_full
    assert [d.id for d in seen] == [*won[1:], won[0]]
    assert [d.modified_at for d in seen] == sorted(d.modified_at for d in seen)
    assert seen[-1].properties["dealname"] == "Touched last"
    assert page.last_modified == seen[-1].modified_at


def test_search_includes_deals_modified_exactly_at_the_cursor(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    cursor = START + timedelta(hours=1)
    fake.add_deal("1", modified_at=cursor - timedelta(milliseconds=1))
    fake.add_deal("2", modified_at=cursor)
    fake.add_deal("3", modified_at=cursor + timedelta(seconds=1))
    page = client.search_deals(modified_since=cursor, stage_ids=["closedwon"], properties=[])
    assert [d.id for d in page.deals] == ["2", "3"]
    assert page.deals[0].modified_at == cursor


def test_search_stops_at_the_10000_result_window_and_says_where_to_resume(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    ids = [fake.add_deal() for _ in range(10_050)]
    last = client.search_deals(
        modified_since=START, stage_ids=["closedwon"], properties=[], after="9900"
    )
    assert len(last.deals) == 100 and last.total == 10_050
    assert last.next_after is None and last.window_full
    with pytest.raises(HubSpotRejected):  # what HubSpot does with an ``after`` past the window
        client.search_deals(
            modified_since=START, stage_ids=["closedwon"], properties=[], after="10000"
        )

    assert last.last_modified is not None
    resumed = client.search_deals(
        modified_since=last.last_modified, stage_ids=["closedwon"], properties=[]
    )
    assert [d.id for d in resumed.deals] == ids[9_999:]  # the boundary deal again, then the rest
    assert resumed.next_after is None and not resumed.window_full


def test_search_needs_a_stage_and_an_aware_cursor(client: HubSpotClient) -> None:
    with pytest.raises(ValueError):
        client.search_deals(modified_since=START, stage_ids=[], properties=[])
    with pytest.raises(ValueError):
        naive = START.replace(tzinfo=None)
        client.search_deals(modified_since=naive, stage_ids=["closedwon"], properties=[])
    assert client.calls == 0


def test_search_for_an_unknown_property_is_rejected_naming_it(client: HubSpotClient) -> None:
    with pytest.raises(HubSpotRejected) as refused:
        client.search_deals(modified_since=START, stage_ids=["closedwon"], properties=["hand_off"])
    assert refused.value.property_name == "hand_off" and refused.value.status == 400
    assert "hand_off" in str(refused.value)


# -- batch read ---------------------------------------------------------------------------------
def test_read_deals_chunks_by_100_and_brings_company_names_and_owners(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    acme, globex = fake.add_company(name="Acme Corp"), fake.add_company(name="Globex")
    owner = fake.add_owner(email="dana@vendor.example")
    ids = [
        fake.add_deal(dealname=f"D{n}", owner_id=owner, company_id=[acme, globex, None][n % 3])
        for n in range(250)
    ]
    deals = client.read_deals(ids=ids, properties=["dealname", "amount"])

    assert [d.id for d in deals] == ids
    assert [len(c.body["inputs"]) for c in fake.calls_to(DEALS_READ)] == [100, 100, 50]
    assert len(fake.calls_to(LINKS_READ)) == 3
    assert len(fake.calls_to(COMPANIES_READ)) == 1  # two distinct companies, one call
    assert {(d.company_id, d.company_name) for d in deals} == {
        (acme, "Acme Corp"), (globex, "Globex"), (None, None)
    }  # fmt: skip
    assert deals[0].properties["dealname"] == "D0" and deals[0].owner_id == owner
    assert deals[0].modified_at is not None
    assert client.calls == 3 + 3 + 1


def test_read_deals_skips_ids_that_do_not_exist_and_repeats(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    known = fake.add_deal(dealname="Known")
    deals = client.read_deals(ids=[known, "404404", known], properties=["dealname"])
    assert [d.id for d in deals] == [known]
    assert deals[0].owner_id is None and deals[0].company_name is None


def test_read_deals_prefers_the_primary_company(fake: FakeHubSpot, client: HubSpotClient) -> None:
    parent, reseller = fake.add_company(name="Parent"), fake.add_company(name="Reseller")
    deal = fake.add_deal()
    fake.associate("deals", deal, "companies", reseller, primary=False)
    fake.associate("deals", deal, "companies", parent)
    (read,) = client.read_deals(ids=[deal], properties=[])
    assert read.company_name == "Parent"


def test_read_deals_of_nothing_calls_nothing(client: HubSpotClient) -> None:
    assert client.read_deals(ids=[], properties=["dealname"]) == []
    assert client.calls == 0


# -- owners ---------------------------------------------------------------------------------------
def test_owners_by_id_and_by_email(fake: FakeHubSpot, client: HubSpotClient) -> None:
    dana = fake.add_owner(email="dana@vendor.example", first_name="Dana", last_name="Reyes")
    found = client.owner(dana)
    assert found is not None
    assert (found.id, found.email, found.first_name, found.last_name) == (
        dana, "dana@vendor.example", "Dana", "Reyes"
    )  # fmt: skip
    assert client.owner_by_email("Dana@Vendor.example") == found
    assert client.owner("98765") is None
    assert client.owner_by_email("nobody@vendor.example") is None
    calls = client.calls
    assert client.owner("not-a-number") is None
    assert client.calls == calls  # no call for an id HubSpot could not have issued


# -- batch update ---------------------------------------------------------------------------------
def test_update_deals_chunks_by_100_and_bumps_the_modified_time(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    ids = [fake.add_deal() for _ in range(230)]
    before = fake.objects["deals"][ids[-1]]["properties"]["hs_lastmodifieddate"]
    client.update_deals({i: {"description": f"handoff {i}"} for i in ids})

    assert [len(c.body["inputs"]) for c in fake.calls_to(DEALS_UPDATE)] == [100, 100, 30]
    after = fake.objects["deals"][ids[-1]]["properties"]
    assert after["description"] == f"handoff {ids[-1]}"
    assert after["hs_lastmodifieddate"] > before
    client.update_deals({})
    assert client.calls == 3


@pytest.mark.parametrize("name", ["handoff_sttus", "hs_lastmodifieddate"])
def test_update_of_an_unknown_or_read_only_property_is_rejected_naming_it(
    fake: FakeHubSpot, client: HubSpotClient, name: str
) -> None:
    deal = fake.add_deal()
    with pytest.raises(HubSpotRejected) as refused:
        client.update_deals({deal: {name: "x"}})
    assert refused.value.property_name == name
    assert name in str(refused.value) and refused.value.category == "VALIDATION_ERROR"


# -- tasks and notes ------------------------------------------------------------------------------
def test_create_task_links_it_to_the_deal_and_update_task_completes_it(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    deal, owner = fake.add_deal(), fake.add_owner(email="cs@vendor.example")
    due = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)
    task = client.create_task(
        deal_id=deal, subject="Kickoff", body="Book the kickoff call", due=due, owner_id=owner
    )

    props = fake.objects["tasks"][task]["properties"]
    assert (
        props["hs_task_subject"] == "Kickoff" and props["hs_task_body"] == "Book the kickoff call"
    )
    assert props["hs_timestamp"] == "2026-12-01T17:30:00.000Z"
    assert props["hs_task_status"] == "NOT_STARTED" and props["hubspot_owner_id"] == owner
    assert fake.linked("tasks", task, "deals") == {deal: {216}}
    assert fake.linked("deals", deal, "tasks") == {task: {215}}

    client.update_task(task, {"hs_task_status": "COMPLETED"})
    assert fake.objects["tasks"][task]["properties"]["hs_task_status"] == "COMPLETED"


def test_create_task_without_an_owner_leaves_the_owner_unset(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    task = client.create_task(
        deal_id=fake.add_deal(), subject="s", body="b", due=START, owner_id=None, status="COMPLETED"
    )
    props = fake.objects["tasks"][task]["properties"]
    assert "hubspot_owner_id" not in props and props["hs_task_status"] == "COMPLETED"


def test_create_note_links_it_to_the_deal(fake: FakeHubSpot, client: HubSpotClient) -> None:
    deal = fake.add_deal()
    note = client.create_note(deal_id=deal, body="<p>Handed off to CS</p>", at=START)
    assert fake.objects["notes"][note]["properties"]["hs_note_body"] == "<p>Handed off to CS</p>"
    assert fake.linked("notes", note, "deals") == {deal: {214}}


def test_a_task_for_a_deal_that_does_not_exist_is_rejected(client: HubSpotClient) -> None:
    with pytest.raises(HubSpotRejected):
        client.create_task(deal_id="777", subject="s", body="b", due=START, owner_id=None)


def test_updating_a_task_that_does_not_exist_is_rejected(client: HubSpotClient) -> None:
    with pytest.raises(HubSpotRejected) as refused:
        client.update_task("123456", {"hs_task_status": "COMPLETED"})
    assert refused.value.status == 404


# -- schema -----------------------------------------------------------------------------------
def test_deal_pipelines_with_their_stages(client: HubSpotClient) -> None:
    (pipeline,) = client.deal_pipelines()
    assert pipeline.id == "default"
    won = next(s for s in pipeline.stages if s.id == "closedwon")
    assert won.label == "Closed Won" and won.is_closed and won.probability == 1.0
    assert not pipeline.stages[0].is_closed


def test_deal_properties_and_creating_a_group_and_a_property(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    before = client.deal_properties()
    assert before["hs_lastmodifieddate"].read_only
    assert before["dealname"].modifiable and before["dealname"].type == "string"
    assert "handoff_status" not in before

    client.create_property_group(name="handoff", label="Handoff")
    client.create_deal_property(
        name="handoff_status", label="Handoff status", type="enumeration",
        field_type="select", group="handoff", options=[("pending", "Pending"), ("done", "Done")],
    )  # fmt: skip
    made = client.deal_properties()["handoff_status"]
    assert (made.type, made.field_type, made.group, made.read_only) == (
        "enumeration", "select", "handoff", False
    )  # fmt: skip
    assert [o["value"] for o in fake.deal_properties["handoff_status"]["options"]] == [
        "pending", "done"
    ]  # fmt: skip

    deal = fake.add_deal()
    client.update_deals({deal: {"handoff_status": "done"}})
    assert fake.objects["deals"][deal]["properties"]["handoff_status"] == "done"


def test_creating_what_exists_is_a_conflict_unless_exist_ok(client: HubSpotClient) -> None:
    client.create_property_group(name="handoff", label="Handoff")
    with pytest.raises(HubSpotRejected) as refused:
        client.create_property_group(name="handoff", label="Handoff")
    assert refused.value.status == 409
    client.create_property_group(name="handoff", label="Handoff", exist_ok=True)
    client.create_deal_property(
        name="dealname", label="Deal name", type="string", field_type="text", group="handoff",
        exist_ok=True,
    )  # fmt: skip


# -- the token ------------------------------------------------------------------------------------
def test_token_scopes_and_portal(fake: FakeHubSpot, client: HubSpotClient) -> None:
    assert client.token_scopes() == set(fake.scopes)
    info = client.token_info()
    assert info.hub_id == fake.portal_id and info.app_id == 777
    (call,) = fake.calls_to("/oauth/v2/private-apps/get/access-token-info", "POST")[-1:]
    assert call.body == {"tokenKey": fake.token}
    assert client.calls == 2


def test_an_eu_token_is_also_sent_as_the_bearer_header(fake: FakeHubSpot) -> None:
    fake.token = "pat-eu1-11111111-2222-3333-4444-555555555555"
    client = HubSpotClient(access_token=fake.token, base_url=fake.url, timeout=5)
    assert client.token_info().hub_id == fake.portal_id


def test_an_unknown_token_has_no_scopes(fake: FakeHubSpot) -> None:
    stranger = HubSpotClient(access_token="pat-na1-revoked", base_url=fake.url)
    with pytest.raises(HubSpotAuthError):
        stranger.token_scopes()


# -- failures -----------------------------------------------------------------------------------
def test_429_with_rate_limit_headers_is_unavailable_for_the_interval(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    fake.add_deal()
    headers = {
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        "X-HubSpot-RateLimit-Max": "100",
        "X-HubSpot-RateLimit-Remaining": "0",
    }
    fake.fail_next(429, headers=headers)
    with pytest.raises(CrmUnavailable) as limited:
        client.read_deals(ids=["1"], properties=[])
    assert limited.value.retry_after == 10.0
    assert "ten_secondly_rolling" in str(limited.value)
    assert client.calls == 1


def test_429_with_retry_after_wins(fake: FakeHubSpot, client: HubSpotClient) -> None:
    both = {"Retry-After": "7", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
    fake.fail_next(429, headers=both)
    with pytest.raises(CrmUnavailable) as limited:
        client.deal_pipelines()
    assert limited.value.retry_after == 7.0


def test_429_on_the_daily_limit_waits_long(fake: FakeHubSpot, client: HubSpotClient) -> None:
    fake.fail_next(429, body={"status": "error", "message": "daily limit", "policyName": "DAILY"})
    with pytest.raises(CrmUnavailable) as limited:
        client.deal_pipelines()
    assert limited.value.retry_after == 3600.0


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_errors_are_unavailable_and_the_next_call_works(
    fake: FakeHubSpot, client: HubSpotClient, status: int
) -> None:
    fake.fail_next(status, headers={"Retry-After": "30"})
    with pytest.raises(CrmUnavailable) as failed:
        client.deal_pipelines()
    assert failed.value.retry_after == 30.0
    assert client.deal_pipelines()[0].id == "default"
    assert client.calls == 2


def test_401_is_an_auth_error_that_says_the_token_was_revoked(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    fake.fail_next(401)
    with pytest.raises(HubSpotAuthError) as refused:
        client.owner_by_email("dana@vendor.example")
    assert isinstance(refused.value, CrmRejected) and refused.value.status == 401
    assert "revoked" in str(refused.value)


def test_a_wrong_token_is_refused(fake: FakeHubSpot) -> None:
    stranger = HubSpotClient(access_token="pat-na1-wrong", base_url=fake.url)
    with pytest.raises(HubSpotAuthError):
        stranger.deal_pipelines()


def test_403_for_a_missing_scope_says_so(fake: FakeHubSpot, client: HubSpotClient) -> None:
    fake.scopes.discard("crm.objects.deals.write")
    with pytest.raises(HubSpotAuthError) as refused:
        client.update_deals({fake.add_deal(): {"description": "x"}})
    assert refused.value.status == 403 and "scope" in str(refused.value)


def test_a_slow_answer_times_out_as_unavailable(fake: FakeHubSpot) -> None:
    impatient = HubSpotClient(access_token=fake.token, base_url=fake.url, timeout=0.2)
    fake.stall_next(1.0)
    with pytest.raises(CrmUnavailable):
        impatient.deal_pipelines()
    assert impatient.calls == 1


def test_nobody_listening_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = HubSpotClient(access_token="t", base_url=f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(CrmUnavailable):
        gone.deal_pipelines()
    with pytest.raises(CrmUnavailable):
        gone.token_scopes()
    assert gone.calls == 2


# -- the mapping on its own ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, HubSpotRejected), (404, HubSpotRejected), (409, HubSpotRejected),
        (422, HubSpotRejected), (401, HubSpotAuthError), (403, HubSpotAuthError),
        (408, CrmUnavailable), (423, CrmUnavailable), (429, CrmUnavailable),
        (500, CrmUnavailable), (503, CrmUnavailable), (0, CrmUnavailable),
    ],
)  # fmt: skip
def test_every_status_maps_to_a_crm_error(status: int, kind: type[Exception]) -> None:
    error = refusal(status, {}, b"<html>nope</html>", "op")
    assert type(error) is kind
    assert isinstance(error, CrmRejected | CrmUnavailable)


def test_retry_after_reads_headers_in_order() -> None:
    assert retry_after({}, {}) == 10.0
    assert retry_after({"retry-after": "nan"}, {}) == 10.0
    assert retry_after({"Retry-After": "2.5"}, {}) == 2.5
    later = (datetime.now(UTC) + timedelta(seconds=90)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 80 <= retry_after({"Retry-After": later}, {}) <= 91
    assert retry_after({"X-HubSpot-RateLimit-Interval-Milliseconds": "1000"}, {}) == 1.0
    assert retry_after({"X-HubSpot-RateLimit-Secondly": "10"}, {}) == 1.0
    assert retry_after({"X-HubSpot-RateLimit-Daily-Remaining": "0"}, {}) == 3600.0


def test_a_rejection_names_the_property_from_the_error_context() -> None:
    detail = {"message": "x", "context": {"propertyName": ["amount"]}}
    body = json.dumps({"status": "error", "message": "bad", "errors": [detail]}).encode()
    error = refusal(400, {}, body, "op")
    assert isinstance(error, HubSpotRejected) and error.property_name == "amount"
    assert "'amount'" in str(error)


# -- the fake is as strict as HubSpot -----------------------------------------------------------
def test_the_fake_refuses_what_hubspot_refuses(fake: FakeHubSpot) -> None:
    auth = {"Authorization": f"Bearer {fake.token}"}
    too_many = {"inputs": [{"id": str(n)} for n in range(101)], "properties": []}
    assert requests.post(fake.url + DEALS_READ, json=too_many, headers=auth).status_code == 400
    twice = {"inputs": [{"id": "1"}, {"id": "1"}], "properties": []}
    assert requests.post(fake.url + DEALS_READ, json=twice, headers=auth).status_code == 400
    assert requests.post(fake.url + SEARCH, json={"limit": 201}, headers=auth).status_code == 400
    assert requests.post(fake.url + SEARCH, json={"limit": 10}).status_code == 401
    answer = requests.post(fake.url + SEARCH, json={"properties": ["nope"]}, headers=auth)
    assert answer.status_code == 400
    assert answer.json()["category"] == "VALIDATION_ERROR" and answer.json()["status"] == "error"


def test_owners_lists_every_active_owner_500_a_call(
    fake: FakeHubSpot, client: HubSpotClient
) -> None:
    for n in range(501):
        fake.add_owner(email=f"rep{n}@vendor.example")
    owners = client.owners()
    assert len(owners) == 501 and owners[-1].email == "rep500@vendor.example"
    assert [c.query.get("after") for c in fake.calls_to("/crm/v3/owners/")] == [None, ["500"]]
