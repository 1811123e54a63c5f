"""``HubSpotClient``: the typed gateway to HubSpot's CRM, on the official ``hubspot-api-client``.

The generated client is untyped, so it is held behind ``Any`` here and every answer is read as
raw JSON (``_preload_content=False``) into the dataclasses of ``records``: the generated
response models reject values their enums do not list, which HubSpot adds over time.

Every HTTP call goes through ``Transport`` (``transport.py``): counted, paused after a 429 for
HubSpot's window, and mapped onto the CRM errors. urllib3 retries are off: the caller's job
queue retries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, Literal

import hubspot.crm.associations.v4 as hs_assoc  # type: ignore[import-untyped]
import hubspot.crm.companies as hs_companies  # type: ignore[import-untyped]
import hubspot.crm.deals as hs_deals  # type: ignore[import-untyped]
import hubspot.crm.objects.notes as hs_notes  # type: ignore[import-untyped]
import hubspot.crm.objects.tasks as hs_tasks  # type: ignore[import-untyped]
import hubspot.crm.properties as hs_properties  # type: ignore[import-untyped]
from hubspot import HubSpot
from urllib3.util.retry import Retry

from bot.crm.hubspot.errors import refusal
from bot.crm.hubspot.records import (
    DealPage,
    DealRecord,
    HubSpotDeal,
    Owner,
    Pipeline,
    PropertyInfo,
    TokenInfo,
    as_int,
    primary_target,
)
from bot.crm.hubspot.transport import Transport

BATCH_LIMIT = 100  # inputs per batch call, and the search page size
OWNERS_PAGE = 500  # the owners list's largest page
SEARCH_WINDOW = 10_000  # HubSpot's search refuses an ``after`` at or past this offset
TASK_TO_DEAL = 216  # HubSpot-defined association type ids
NOTE_TO_DEAL = 214
DEAL_TO_COMPANY_PRIMARY = 5
TaskStatus = Literal["NOT_STARTED", "COMPLETED"]
PropertyType = Literal["string", "number", "date", "datetime", "enumeration", "bool"]
FieldType = Literal[
    "textarea", "text", "date", "file", "number", "select", "radio", "checkbox", "booleancheckbox"
]


class HubSpotClient:
    def __init__(
        self,
        *,
        access_token: str,
        base_url: str = "https://api.hubapi.com",
        timeout: float = 30.0,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = access_token
        self._timeout = timeout
        self._door = Transport(timeout=timeout, now=clock or (lambda: datetime.now(UTC)))
        self._send = self._door.send
        # ``host`` is copied onto every generated ``Configuration``; Retry(0) turns urllib3's
        # silent resends off, so ``calls`` counts what HubSpot saw.
        crm: Any = HubSpot(access_token=access_token, host=self.base_url, retry=Retry(0)).crm
        # Each ``*_api`` property of the discovery layer builds a new ApiClient: keep one each.
        self._deal_search, self._deal_batch = crm.deals.search_api, crm.deals.batch_api
        self._company_batch = crm.companies.batch_api
        self._associations = crm.associations.v4.batch_api
        self._owners = crm.owners.owners_api
        self._tasks, self._notes = crm.objects.tasks.basic_api, crm.objects.notes.basic_api
        self._pipelines = crm.pipelines.pipelines_api
        self._properties, self._groups = crm.properties.core_api, crm.properties.groups_api

    @property
    def calls(self) -> int:
        """HTTP requests sent so far (what HubSpot saw, refusals included)."""
        return self._door.calls

    @property
    def api_usage(self) -> str | None:
        return self._door.api_usage

    # -- deals -------------------------------------------------------------------------------
    def search_deals(
        self,
        *,
        modified_since: datetime,
        stage_ids: list[str],
        properties: list[str],
        after: str | None = None,
    ) -> DealPage:
        """One page (100) of deals in ``stage_ids`` modified at or after ``modified_since``.

        Sorted by ``hs_lastmodifieddate`` ascending; pass ``next_after`` back for the next page.
        HubSpot's search pages through at most 10,000 results: past that ``next_after`` is None
        and ``window_full`` is True, and the caller searches again from ``last_modified`` (the
        filter is GTE, so deals at that instant come back again; skip ids already seen).
        The search index trails writes by a few seconds, so a cursor should overlap a little.
        """
        if not stage_ids or modified_since.tzinfo is None:
            raise ValueError("search_deals needs a stage id and a timezone-aware modified_since")
        filters = [
            hs_deals.Filter(property_name="dealstage", operator="IN", values=list(stage_ids)),
            hs_deals.Filter(
                property_name="hs_lastmodifieddate", operator="GTE", value=str(_ms(modified_since))
            ),
        ]
        request = hs_deals.PublicObjectSearchRequest(
            filter_groups=[hs_deals.FilterGroup(filters=filters)],
            # The model declares ``sorts`` as list[str]; HubSpot takes these objects.
            sorts=[{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}],
            properties=_unique([*properties, "dealstage", "hs_lastmodifieddate"]),
            limit=BATCH_LIMIT,
            after=after,
        )
        answer = self._send(self._deal_search.do_search, request)
        records = [DealRecord.from_json(r) for r in answer.get("results", [])]
        following = answer.get("paging", {}).get("next", {}).get("after")
        window_full = str(following).isdigit() and int(following) >= SEARCH_WINDOW
        return DealPage(
            deals=records,
            next_after=None if following is None or window_full else str(following),
            total=int(answer.get("total", len(records))),
            window_full=window_full,
        )

    def read_deals(
        self, *, ids: list[str], properties: list[str], companies: bool = True
    ) -> list[HubSpotDeal]:
        """The deals that exist among ``ids`` (in that order), with owner and primary company.

        Three batch calls per 100 deals at most: deals, their company associations (v4), and
        the companies' names (100 distinct companies a call). ``companies=False`` reads the
        deals alone (one call per 100; see ``company_names``).
        """
        wanted = _unique([*properties, "hubspot_owner_id", "hs_lastmodifieddate"])
        rows: list[dict[str, Any]] = []
        order = {deal_id: n for n, deal_id in enumerate(_unique(ids))}
        for chunk in _chunks(list(order)):
            body = hs_deals.BatchReadInputSimplePublicObjectId(
                inputs=[hs_deals.SimplePublicObjectId(id=i) for i in chunk], properties=wanted
            )
            rows += self._send(self._deal_batch.read, body, archived=False).get("results", [])
        rows.sort(
            key=lambda row: order.get(str(row["id"]), len(order))
        )  # HubSpot's order is not ours
        if not companies:
            return [HubSpotDeal.from_json(r, None, {}) for r in rows]
        linked = self._primary_companies([str(row["id"]) for row in rows])
        names = self._company_names(sorted(set(linked.values())))
        return [HubSpotDeal.from_json(r, linked.get(str(r["id"])), names) for r in rows]

    def company_names(self, deal_ids: list[str]) -> dict[str, str | None]:
        """Each deal's (primary) company name, for deals found by search: two calls per 100."""
        companies = self._primary_companies(_unique(deal_ids))
        names = self._company_names(sorted(set(companies.values())))
        return {deal: names.get(company) for deal, company in companies.items()}

    def update_deals(self, updates: Mapping[str, Mapping[str, str]]) -> None:
        """Set properties on many deals, 100 a call."""
        for chunk in _chunks(list(updates)):
            inputs = [
                hs_deals.SimplePublicObjectBatchInput(id=i, properties=dict(updates[i]))
                for i in chunk
            ]
            body = hs_deals.BatchInputSimplePublicObjectBatchInput(inputs=inputs)
            answer = self._send(self._deal_batch.update, body)
            if answer.get("errors"):  # a 207: part of the batch was refused
                raise refusal(207, {}, json.dumps(answer["errors"][0]).encode(), "update deals")

    def _primary_companies(self, deal_ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for chunk in _chunks(deal_ids):
            inputs = [hs_assoc.PublicFetchAssociationsBatchRequest(id=i) for i in chunk]
            body = hs_assoc.BatchInputPublicFetchAssociationsBatchRequest(inputs=inputs)
            # Deals without companies come back under "errors" (a 207); they simply have none.
            answer = self._send(self._associations.get_page, "deals", "companies", body)
            for result in answer.get("results", []):
                if company := primary_target(result, DEAL_TO_COMPANY_PRIMARY):
                    found[str(result["from"]["id"])] = company
        return found

    def _company_names(self, company_ids: list[str]) -> dict[str, str | None]:
        names: dict[str, str | None] = {}
        for chunk in _chunks(company_ids):
            body = hs_companies.BatchReadInputSimplePublicObjectId(
                inputs=[hs_companies.SimplePublicObjectId(id=i) for i in chunk], properties=["name"]
            )
            answer = self._send(self._company_batch.read, body, archived=False)
            for row in answer.get("results", []):
                names[str(row["id"])] = (row.get("properties") or {}).get("name")
        return names

    # -- owners ------------------------------------------------------------------------------
    def owner(self, owner_id: str) -> Owner | None:
        if not owner_id.isascii() or not owner_id.isdigit():
            return None  # HubSpot owner ids are numbers; anything else cannot name one
        found = self._send(self._owners.get_by_id, owner_id, id_property="id", missing_ok=True)
        return Owner.from_json(found) if found else None

    def owners(self) -> list[Owner]:
        """Every active owner (HubSpot user), 500 to a call."""
        found: list[Owner] = []
        after: str | None = None
        while True:
            page = self._send(self._owners.get_page, limit=OWNERS_PAGE, after=after, archived=False)
            found += [Owner.from_json(owner) for owner in page.get("results", [])]
            after = page.get("paging", {}).get("next", {}).get("after")
            if not after:
                return found

    def owner_by_email(self, email: str) -> Owner | None:
        answer = self._send(self._owners.get_page, email=email, limit=100, archived=False)
        wanted = email.strip().lower()
        matches = [o for o in answer.get("results", []) if str(o.get("email")).lower() == wanted]
        return Owner.from_json(matches[0]) if matches else None

    # -- activities --------------------------------------------------------------------------
    def create_task(
        self,
        *,
        deal_id: str,
        subject: str,
        body: str,
        due: datetime,
        owner_id: str | None,
        status: TaskStatus = "NOT_STARTED",
    ) -> str:
        props = {
            "hs_task_subject": subject,
            "hs_task_body": body,
            "hs_timestamp": _iso(due),
            "hs_task_status": status,
            "hs_task_type": "TODO",
        }
        if owner_id:
            props["hubspot_owner_id"] = owner_id
        return self._create(hs_tasks, self._tasks, props, deal_id, TASK_TO_DEAL)

    def update_task(self, task_id: str, properties: Mapping[str, str]) -> None:
        body = hs_tasks.SimplePublicObjectInput(properties=dict(properties))
        self._send(self._tasks.update, task_id, body)

    def create_note(self, *, deal_id: str, body: str, at: datetime) -> str:
        props = {"hs_note_body": body, "hs_timestamp": _iso(at)}
        return self._create(hs_notes, self._notes, props, deal_id, NOTE_TO_DEAL)

    def _create(self, models: Any, api: Any, props: dict[str, str], deal: str, type_id: int) -> str:
        spec = models.AssociationSpec(
            association_category="HUBSPOT_DEFINED", association_type_id=type_id
        )
        link = models.PublicAssociationsForObject(to=models.PublicObjectId(id=deal), types=[spec])
        body = models.SimplePublicObjectInputForCreate(properties=props, associations=[link])
        return str(self._send(api.create, body)["id"])

    # -- schema ------------------------------------------------------------------------------
    def deal_pipelines(self) -> list[Pipeline]:
        answer = self._send(self._pipelines.get_all, "deals")
        found = sorted(answer.get("results", []), key=lambda p: p.get("displayOrder", 0))
        return [Pipeline.from_json(p) for p in found]

    def deal_properties(self) -> dict[str, PropertyInfo]:
        answer = self._send(self._properties.get_all, "deals", archived=False)
        return {str(p["name"]): PropertyInfo.from_json(p) for p in answer.get("results", [])}

    def create_property_group(self, *, name: str, label: str, exist_ok: bool = False) -> None:
        body = hs_properties.PropertyGroupCreate(name=name, label=label, display_order=-1)
        self._send(self._groups.create, "deals", body, exist_ok=exist_ok)

    def create_deal_property(
        self,
        *,
        name: str,
        label: str,
        type: PropertyType,
        field_type: FieldType,
        group: str,
        options: list[tuple[str, str]] | None = None,
        exist_ok: bool = False,
    ) -> None:
        """Create a deal property; ``options`` are (value, label) pairs for enumerations."""
        choices = [
            hs_properties.OptionInput(value=v, label=lbl, hidden=False, display_order=n)
            for n, (v, lbl) in enumerate(options or [])
        ]
        body = hs_properties.PropertyCreate(
            name=name, label=label, type=type, field_type=field_type, group_name=group,
            options=choices or None,
        )  # fmt: skip
        self._send(self._properties.create, "deals", body, exist_ok=exist_ok)

    # -- the token ---------------------------------------------------------------------------
    def token_info(self) -> TokenInfo:
        """What HubSpot knows of this private-app token: its portal and its scopes.

        hubspot-api-client 12 only wraps the OAuth token endpoint (/oauth/v1/access-tokens/…),
        not the private-app one, so this call is made with ``requests``. The token is the body.
        """
        url = self.base_url + "/oauth/v2/private-apps/get/access-token-info"
        data = self._door.post(url, {"tokenKey": self._token}, token=self._token, name="token info")
        scopes = frozenset(str(s) for s in data.get("scopes") or [])
        # {"userId", "hubId", "appId", "scopes"}, unlike the OAuth endpoint's snake_case.
        return TokenInfo(scopes, as_int(data.get("hubId")), as_int(data.get("appId")))

    def token_scopes(self) -> set[str]:
        return set(self.token_info().scopes)


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), BATCH_LIMIT):
        yield items[start : start + BATCH_LIMIT]


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
