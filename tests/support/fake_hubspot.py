"""A loopback HTTP fake of HubSpot's CRM API that the real ``hubspot-api-client`` talks to.

Point ``HubSpotClient(base_url=fake.url, access_token=fake.token)`` at it. Like HubSpot it wants
``Authorization: Bearer <token>`` (401 otherwise) and the scopes each call needs (403
MISSING_SCOPES), refuses unknown deal properties, batches over 100, duplicate batch ids, a search
limit over 200 and a search ``after`` at or past 10,000 with 400 in HubSpot's error shape; pages
search results through ``paging.next.after``; keeps v4 associations with HubSpot's type ids;
stores tasks, notes, owners, pipelines, properties and property groups; answers the private-app
access-token-info endpoint. Every request is recorded in ``calls``; ``fail_next`` and
``stall_next`` inject 429/5xx/401 answers and slow replies.

Stricter than HubSpot on purpose: HubSpot leaves unknown names in a read's ``properties`` list
out of the answer, the fake refuses them so a misspelt property fails a test. The scope each
route demands is an approximation of HubSpot's.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PORTAL_ID = 24_680_135
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SEARCH_WINDOW = 10_000
DEALS_R, DEALS_W = "crm.objects.deals.read", "crm.objects.deals.write"
SCHEMA_R, SCHEMA_W = "crm.schemas.deals.read", "crm.schemas.deals.write"
OWNERS_R, COMPANIES_R = "crm.objects.owners.read", "crm.objects.companies.read"
SCOPES = frozenset({DEALS_R, DEALS_W, SCHEMA_R, SCHEMA_W, OWNERS_R, COMPANIES_R})
Match = re.Match[str]
Query = dict[str, list[str]]
Reply = tuple[int, Any]
DATETIME_PROPERTIES = {"hs_lastmodifieddate", "createdate", "closedate", "hs_timestamp"}
# name: (type, fieldType, read-only value)
DEAL_PROPERTIES = {
    "dealname": ("string", "text", False),
    "amount": ("number", "number", False),
    "closedate": ("datetime", "date", False),
    "dealstage": ("enumeration", "radio", False),
    "pipeline": ("enumeration", "select", False),
    "hubspot_owner_id": ("enumeration", "select", False),
    "description": ("string", "textarea", False),
    "createdate": ("datetime", "date", True),
    "hs_lastmodifieddate": ("datetime", "date", True),
    "hs_object_id": ("number", "number", True),
}
OTHER_PROPERTIES = {
    "companies": {"name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"},
    "tasks": {
        *("hs_timestamp", "hs_task_subject", "hs_task_body", "hs_task_status"),
        *("hs_task_type", "hs_task_priority", "hubspot_owner_id"),
    },
    "notes": {"hs_timestamp", "hs_note_body", "hubspot_owner_id"},
}
# (from, to) -> HubSpot-defined association type ids (the first is the primary/default one)
ASSOCIATION_TYPES = {
    ("deals", "companies"): (5, 341),
    ("companies", "deals"): (6, 342),
    ("tasks", "deals"): (216,),
    ("deals", "tasks"): (215,),
    ("notes", "deals"): (214,),
    ("deals", "notes"): (213,),
}
OBJECT_TYPES = {"deal": "deals", "0-3": "deals", "company": "companies", "0-2": "companies"}
STAGES = [
    ("appointmentscheduled", "Appointment Scheduled", "0.2", "false"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", "false"),
    ("contractsent", "Contract Sent", "0.9", "false"),
    ("closedwon", "Closed Won", "1.0", "true"),
    ("closedlost", "Closed Lost", "0.0", "true"),
]


def hs_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _millis(value: Any) -> float | None:
    text = str(value)
    if text.isdigit():
        return float(text)
    try:
        return datetime.fromisoformat(text).timestamp() * 1000
    except ValueError:
        return None


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any


@dataclass
class Fault:
    status: int
    headers: dict[str, str]
    body: dict[str, Any]
    times: int


@dataclass
class Ticker:
    """The fake's default clock: starts at START, one millisecond later on every reading."""

    now: datetime = START
    step: timedelta = field(default=timedelta(milliseconds=1))

    def __call__(self) -> datetime:
        self.now += self.step
        return self.now


class Refused(Exception):
    def __init__(self, status: int, message: str, category: str = "VALIDATION_ERROR", **more: Any):
        super().__init__(message)
        self.status = status
        self.body = {"status": "error", "message": message, "category": category, **more}


def _missing_scope(scope: str) -> Refused:
    said = "This app hasn't been granted all required scopes to make this call."
    context = {"requiredGranularScopes": [scope]}
    need = {"message": "One or more of these scopes are required.", "context": context}
    return Refused(403, said, "MISSING_SCOPES", errors=[need])


def _multi_error(category: str, message: str, context: Any, **more: Any) -> dict[str, Any]:
    return {"status": "error", "category": category, "message": message, "context": context, **more}


def _unknown_property(name: str) -> Refused:
    said = f'Property \\"{name}\\" does not exist'
    detail = (
        f'[{{"isValid":false,"message":"{said}","error":"PROPERTY_DOESNT_EXIST","name":"{name}"}}]'
    )
    return Refused(400, f"Property values were not valid: {detail}")


class FakeHubSpot:
    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        self.token = TOKEN
        self.portal_id = PORTAL_ID
        self.scopes: set[str] = set(SCOPES)
        self.clock = clock or Ticker()
        self.calls: list[Call] = []
        self.objects: dict[str, dict[str, dict[str, Any]]] = {
            kind: {} for kind in ("deals", "companies", "tasks", "notes")
        }
        self.links: set[tuple[str, str, str, str, int]] = set()  # from, id, to, id, type
        self.owners: dict[str, dict[str, Any]] = {}
        self.deal_properties = {
            name: self._property(name, name.replace("_", " ").title(), t, f, "dealinformation", ro)
            for name, (t, f, ro) in DEAL_PROPERTIES.items()
        }
        self.groups = {"dealinformation": {"name": "dealinformation", "label": "Deal information"}}
        self.pipelines = [self._pipeline("default", "Sales Pipeline", STAGES)]
        self.faults: list[Fault] = []
        self.stalls: list[float] = []
        self._ids = itertools.count(5001)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _handler_for(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeHubSpot:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- test controls ---------------------------------------------------------------------------
    def add_deal(
        self,
        deal_id: str | None = None,
        *,
        stage: str = "closedwon",
        owner_id: str | None = None,
        company_id: str | None = None,
        modified_at: datetime | None = None,
        **props: str,
    ) -> str:
        with self._lock:
            at = modified_at or self.clock()
            deal_id = deal_id or str(next(self._ids))
            values = {"dealstage": stage, "pipeline": "default", "hubspot_owner_id": owner_id}
            self.objects["deals"][deal_id] = self._object(deal_id, at, {**values, **props})
        if company_id:
            self.associate("deals", deal_id, "companies", company_id)
        return deal_id

    def update_deal(self, deal_id: str, **props: str) -> None:
        with self._lock:
            self._touch(self.objects["deals"][deal_id], props)

    def add_company(self, *, name: str, company_id: str | None = None) -> str:
        with self._lock:
            company_id = company_id or str(next(self._ids))
            self.objects["companies"][company_id] = self._object(company_id, START, {"name": name})
        return company_id

    def add_owner(
        self, *, email: str, first_name: str = "", last_name: str = "", owner_id: str | None = None
    ) -> str:
        with self._lock:
            owner_id = owner_id or str(next(self._ids))
            # fmt: off
            self.owners[owner_id] = {
                "id": owner_id, "email": email, "firstName": first_name, "lastName": last_name,
                "userId": int(owner_id) + 1_000_000, "type": "PERSON", "archived": False,
                "createdAt": hs_time(START), "updatedAt": hs_time(START),
            }
            # fmt: on
        return owner_id

    def associate(
        self, from_type: str, from_id: str, to_type: str, to_id: str, primary: bool = True
    ) -> None:
        """Link two objects both ways with HubSpot's type ids (primary + unlabeled if it has)."""
        with self._lock:
            self._link(from_type, from_id, to_type, to_id, primary)

    def _link(self, a: str, a_id: str, b: str, b_id: str, primary: bool = True) -> None:
        for one, one_id, other, other_id in ((a, a_id, b, b_id), (b, b_id, a, a_id)):
            types = ASSOCIATION_TYPES[(one, other)]
            for type_id in types if primary else types[-1:]:
                self.links.add((one, one_id, other, other_id, type_id))

    def linked(self, from_type: str, from_id: str, to_type: str) -> dict[str, set[int]]:
        """The objects of ``to_type`` linked from one object, with their association type ids."""
        found: dict[str, set[int]] = {}
        for a, a_id, b, b_id, type_id in sorted(self.links):
            if (a, a_id, b) == (from_type, from_id, to_type):
                found.setdefault(b_id, set()).add(type_id)
        return found

    def fail_next(
        self,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests with ``status`` (HubSpot's body for it by default)."""
        if status == 429:
            said = "You have reached your ten_secondly_rolling limit."
            more = {"errorType": "RATE_LIMIT", "policyName": "TEN_SECONDLY_ROLLING"}
            default = Refused(429, said, "RATE_LIMITS", **more)
        elif status == 401:
            default = Refused(
                401, "Authentication credentials not found.", "INVALID_AUTHENTICATION"
            )
        else:
            default = Refused(status, "internal error", "INTERNAL_ERROR")
        self.faults.append(Fault(status, headers or {}, body or default.body, times))

    def stall_next(self, seconds: float, *, times: int = 1) -> None:
        self.stalls += [seconds] * times

    def calls_to(self, path: str, method: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path == path and method in (None, c.method)]

    # -- records -----------------------------------------------------------------------------
    @staticmethod
    def _object(object_id: str, at: datetime, props: dict[str, Any]) -> dict[str, Any]:
        values = {k: None if v is None else str(v) for k, v in props.items()}
        stamp = hs_time(at)
        values |= {"hs_object_id": object_id, "createdate": stamp, "hs_lastmodifieddate": stamp}
        return {"id": object_id, "properties": values, "createdAt": stamp, "updatedAt": stamp}

    def _touch(self, record: dict[str, Any], props: dict[str, Any]) -> None:
        stamp = hs_time(self.clock())
        record["properties"].update({k: None if v is None else str(v) for k, v in props.items()})
        record["properties"]["hs_lastmodifieddate"] = record["updatedAt"] = stamp

    @staticmethod
    def _property(
        name: str, label: str, kind: str, field_type: str, group: str, read_only: bool
    ) -> dict[str, Any]:
        # fmt: off
        return {
            "name": name, "label": label, "type": kind, "fieldType": field_type,
            "groupName": group, "calculated": False, "hidden": False, "options": [],
            "modificationMetadata": {"readOnlyValue": read_only, "archivable": not read_only},
        }
        # fmt: on

    @staticmethod
    def _pipeline(
        pipeline_id: str, label: str, stages: list[tuple[str, str, str, str]]
    ) -> dict[str, Any]:
        # fmt: off
        return {
            "id": pipeline_id, "label": label, "displayOrder": 0, "archived": False,
            "stages": [
                {"id": s, "label": lbl, "displayOrder": n, "archived": False,
                 "metadata": {"probability": p, "isClosed": closed}}
                for n, (s, lbl, p, closed) in enumerate(stages)
            ],
        }
        # fmt: on

    def _public(self, record: dict[str, Any], names: list[str]) -> dict[str, Any]:
        shown = {"hs_object_id", "createdate", "hs_lastmodifieddate", *names}
        props = {n: record["properties"].get(n) for n in sorted(shown)}
        return {**record, "properties": props, "archived": False}

    def _known(self, kind: str) -> set[str]:
        return set(self.deal_properties) if kind == "deals" else OTHER_PROPERTIES[kind]

    def _check_names(self, kind: str, names: list[str]) -> None:
        for name in names:
            if name not in self._known(kind):
                raise _unknown_property(name)

    def _writable(self, kind: str, props: Any) -> dict[str, Any]:
        if not isinstance(props, dict):
            raise Refused(400, "Invalid input JSON: properties must be an object")
        self._check_names(kind, list(props))
        for name in props:
            if (
                kind == "deals"
                and self.deal_properties[name]["modificationMetadata"]["readOnlyValue"]
            ):
                detail = f'[{{"error":"READ_ONLY_VALUE","name":"{name}"}}]'
                raise Refused(400, f"Property values were not valid: {detail}")
        return props

    @staticmethod
    def _inputs(body: Any) -> list[dict[str, Any]]:
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list) or not all(
            isinstance(i, dict) and "id" in i for i in inputs
        ):
            raise Refused(400, "Invalid input JSON: inputs must be a list of objects with an id")
        if len(inputs) > 100:
            raise Refused(400, f"Batch input size {len(inputs)} exceeds the limit of 100")
        ids = [str(i["id"]) for i in inputs]
        if len(set(ids)) != len(ids):
            raise Refused(400, "Duplicate IDs found in batch input")
        return inputs

    # -- routes ----------------------------------------------------------------------------------
    def _search(self, m: Match, q: Query, body: Any) -> Reply:
        limit, after = body.get("limit", 10), int(body.get("after") or 0)
        if not isinstance(limit, int) or not 0 < limit <= 200:
            raise Refused(400, f"limit must be between 1 and 200, got {limit!r}")
        if after >= SEARCH_WINDOW:
            raise Refused(400, "Search results are limited to 10000 records; `after` is too large")
        names = list(body.get("properties") or ["dealname", "amount", "dealstage", "pipeline"])
        groups = body.get("filterGroups") or []
        filters = [f for g in groups for f in g.get("filters", [])]
        self._check_names("deals", names + [f["propertyName"] for f in filters])
        rows = [
            d
            for d in self.objects["deals"].values()
            if not groups or any(all(_matches(f, d) for f in g["filters"]) for g in groups)
        ]
        for sort in reversed(body.get("sorts") or []):
            name, direction = (
                (sort["propertyName"], sort.get("direction", "ASCENDING"))
                if isinstance(sort, dict)
                else (sort.lstrip("-"), "DESCENDING" if sort.startswith("-") else "ASCENDING")
            )
            rows.sort(key=lambda d: _sort_key(d, name), reverse=direction == "DESCENDING")
        shown = [self._public(d, names) for d in rows[after : after + limit]]
        page: dict[str, Any] = {"total": len(rows), "results": shown}
        if (following := after + limit) < len(rows):
            page["paging"] = {"next": {"after": str(following), "link": f"?after={following}"}}
        return 200, page

    def _batch_read(self, m: Match, q: Query, body: Any) -> Reply:
        kind = m["kind"]
        inputs, names = self._inputs(body), list(body.get("properties") or [])
        self._check_names(kind, names)
        store = self.objects[kind]
        found = [self._public(store[str(i["id"])], names) for i in inputs if str(i["id"]) in store]
        missing = [str(i["id"]) for i in inputs if str(i["id"]) not in store]
        answer: dict[str, Any] = {"status": "COMPLETE", "results": found}
        if missing:
            said = f"Could not get some {kind} objects, they may be deleted or not exist."
            answer["errors"] = [_multi_error("OBJECT_NOT_FOUND", said, {"ids": missing})]
        return (207 if missing else 200), answer

    def _batch_update(self, m: Match, q: Query, body: Any) -> Reply:
        inputs = self._inputs(body)
        for item in inputs:
            self._writable("deals", item.get("properties"))
        missing = [str(i["id"]) for i in inputs if str(i["id"]) not in self.objects["deals"]]
        if missing:
            raise Refused(
                400, f"Could not update deals {missing}: no such deal", "OBJECT_NOT_FOUND"
            )
        results = []
        for item in inputs:
            record = self.objects["deals"][str(item["id"])]
            self._touch(record, item["properties"])
            results.append(self._public(record, list(item["properties"])))
        return 200, {"status": "COMPLETE", "results": results}

    def _links(self, m: Match, q: Query, body: Any) -> Reply:
        a = OBJECT_TYPES.get(m["from"], m["from"])
        b = OBJECT_TYPES.get(m["to"], m["to"])
        results, lonely = [], []
        for item in self._inputs(body):
            targets = self.linked(a, str(item["id"]), b)
            if not targets:
                lonely.append(str(item["id"]))
                continue
            to = [
                {"toObjectId": int(t), "associationTypes": [_link_type(n) for n in sorted(ids)]}
                for t, ids in targets.items()
            ]
            results.append({"from": {"id": str(item["id"])}, "to": to})
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if lonely:
            sub = "crm.associations.NO_ASSOCIATIONS_FOUND"
            answer["errors"] = [
                _multi_error("VALIDATION_ERROR", f"No {b} is associated with {a} {i}.",
                             {"fromObjectId": [i]}, subCategory=sub)
                for i in lonely
            ]  # fmt: skip
        return (207 if lonely else 200), answer

    def _create_activity(self, m: Match, q: Query, body: Any) -> Reply:
        kind = m["kind"]
        props = self._writable(kind, body.get("properties"))
        if not props.get("hs_timestamp"):
            raise Refused(400, "Property values were not valid: hs_timestamp is required")
        links, expected = [], ("HUBSPOT_DEFINED", ASSOCIATION_TYPES[(kind, "deals")][0])
        for association in body.get("associations") or []:
            deal_id = str(association["to"]["id"])
            if deal_id not in self.objects["deals"]:
                raise Refused(400, f"No deal with id {deal_id}", "OBJECT_NOT_FOUND")
            for spec in association["types"]:
                if (spec.get("associationCategory"), spec.get("associationTypeId")) != expected:
                    raise Refused(400, f"invalid association type {spec} from {kind} to deals")
            links.append(deal_id)
        object_id = str(next(self._ids))
        self.objects[kind][object_id] = record = self._object(object_id, self.clock(), props)
        for deal_id in links:
            self._link(kind, object_id, "deals", deal_id)
        return 201, self._public(record, list(props))

    def _update_task(self, m: Match, q: Query, body: Any) -> Reply:
        record = self.objects["tasks"].get(m["id"])
        if record is None:
            raise Refused(
                404, "Object not found.  objectId are usually numeric.", "OBJECT_NOT_FOUND"
            )
        props = self._writable("tasks", body.get("properties"))
        self._touch(record, props)
        return 200, self._public(record, list(props))

    def _owner(self, m: Match, q: Query, body: Any) -> Reply:
        by = q.get("idProperty", ["id"])[0]
        for owner in self.owners.values():
            if str(owner["id" if by == "id" else "userId"]) == m["id"]:
                return 200, owner
        raise Refused(404, f"No owner found with {by} {m['id']}", "OBJECT_NOT_FOUND")

    def _owners(self, m: Match, q: Query, body: Any) -> Reply:
        email = q.get("email", [None])[0]
        wanted = None if email is None else email.lower()
        found = [o for o in self.owners.values() if wanted in (None, o["email"].lower())]
        return 200, {"results": found[: int(q.get("limit", ["100"])[0])]}

    def _pipelines(self, m: Match, q: Query, body: Any) -> Reply:
        return 200, {"results": self.pipelines}

    def _properties(self, m: Match, q: Query, body: Any) -> Reply:
        return 200, {"results": list(self.deal_properties.values())}

    def _create_property(self, m: Match, q: Query, body: Any) -> Reply:
        name = str(body.get("name", ""))
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise Refused(400, f"Property name {name!r} must be lowercase letters, digits and _")
        if name in self.deal_properties:
            raise Refused(
                409, f"A property named '{name}' already exists.", "OBJECT_ALREADY_EXISTS"
            )
        if body.get("groupName") not in self.groups:
            raise Refused(400, f"Property group {body.get('groupName')!r} does not exist")
        made = self._property(
            name, body["label"], body["type"], body["fieldType"], body["groupName"], False
        )
        made["options"] = body.get("options") or []
        self.deal_properties[name] = made
        return 201, made

    def _create_group(self, m: Match, q: Query, body: Any) -> Reply:
        if body.get("name") in self.groups:
            raise Refused(
                409, f"A group named '{body['name']}' already exists.", "OBJECT_ALREADY_EXISTS"
            )
        self.groups[body["name"]] = group = {
            "name": body["name"],
            "label": body["label"],
            "displayOrder": body.get("displayOrder", -1),
        }
        return 201, group

    def _token_info(self, m: Match, q: Query, body: Any) -> Reply:
        if not isinstance(body, dict) or body.get("tokenKey") != self.token:
            raise Refused(
                401, "The access token is invalid or was revoked.", "INVALID_AUTHENTICATION"
            )
        return 200, {
            "userId": 42,
            "hubId": self.portal_id,
            "appId": 777,
            "scopes": sorted(self.scopes),
        }

    def handle(
        self, method: str, target: str, headers: Any, raw: bytes
    ) -> tuple[int, dict[str, str], Any]:
        parts = urlsplit(target)
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode("utf-8", "replace")
        with self._lock:
            self.calls.append(Call(method, parts.path, parse_qs(parts.query), body))
            stall = self.stalls.pop(0) if self.stalls else 0.0
            fault = self.faults[0] if self.faults else None
            if fault:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.pop(0)
        if stall:
            time.sleep(stall)
        if fault:
            return fault.status, fault.headers, fault.body
        with self._lock:
            try:
                return self._route(method, parts.path, parse_qs(parts.query), headers, body)
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                refused = Refused(400, f"Invalid input JSON: {type(error).__name__} {error}")
            except Refused as error:
                refused = error
        return refused.status, {}, {**refused.body, "correlationId": str(uuid.uuid4())}

    def _route(
        self, method: str, path: str, query: dict[str, Any], headers: Any, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        for verb, pattern, scope, name in ROUTES:
            if verb == method and (match := re.fullmatch(pattern, path)):
                if scope != "" and headers.get("Authorization") != f"Bearer {self.token}":
                    raise Refused(
                        401, "Authentication credentials not found.", "INVALID_AUTHENTICATION"
                    )
                if scope and scope not in self.scopes:
                    raise _missing_scope(scope)
                if method in ("POST", "PATCH") and not isinstance(body, dict):
                    raise Refused(400, "Invalid input JSON on line 1")
                status, payload = getattr(self, name)(match, query, body or {})
                return status, {}, payload
        raise Refused(404, f"No route for {method} {path}", "OBJECT_NOT_FOUND")


# method, path, the scope it needs (None: any token; "": no token at all), handler
ROUTES = (
    ("POST", r"/crm/v3/objects/deals/search", DEALS_R, "_search"),
    ("POST", r"/crm/v3/objects/(?P<kind>deals)/batch/read", DEALS_R, "_batch_read"),
    ("POST", r"/crm/v3/objects/(?P<kind>companies)/batch/read", COMPANIES_R, "_batch_read"),
    ("POST", r"/crm/v3/objects/deals/batch/update", DEALS_W, "_batch_update"),
    ("POST", r"/crm/v4/associations/(?P<from>[\w-]+)/(?P<to>[\w-]+)/batch/read", DEALS_R, "_links"),
    ("POST", r"/crm/v3/objects/(?P<kind>tasks|notes)", None, "_create_activity"),
    ("PATCH", r"/crm/v3/objects/tasks/(?P<id>\d+)", None, "_update_task"),
    ("GET", r"/crm/v3/owners/?", OWNERS_R, "_owners"),
    ("GET", r"/crm/v3/owners/(?P<id>\d+)", OWNERS_R, "_owner"),
    ("GET", r"/crm/v3/pipelines/deals", DEALS_R, "_pipelines"),
    ("GET", r"/crm/v3/properties/deals", SCHEMA_R, "_properties"),
    ("POST", r"/crm/v3/properties/deals", SCHEMA_W, "_create_property"),
    ("POST", r"/crm/v3/properties/deals/groups", SCHEMA_W, "_create_group"),
    ("POST", r"/oauth/v2/private-apps/get/access-token-info", "", "_token_info"),
)


def _link_type(type_id: int) -> dict[str, Any]:
    label = "Primary" if type_id in (5, 6) else None
    return {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": label}


def _matches(rule: dict[str, Any], deal: dict[str, Any]) -> bool:
    name, op = rule["propertyName"], rule["operator"]
    have = deal["properties"].get(name)
    if op == "HAS_PROPERTY":
        return have not in (None, "")
    if op == "IN":
        return bool(have in [str(v) for v in rule.get("values", [])])
    if op in ("EQ", "NEQ"):
        equal = bool(have == str(rule.get("value")))
        return equal if op == "EQ" else not equal
    if name in DATETIME_PROPERTIES:
        left, right = _millis(have), _millis(rule.get("value"))
    else:
        left, right = float(have or 0), float(rule.get("value") or 0)
    if left is None or right is None:
        return False
    return {"GT": left > right, "GTE": left >= right, "LT": left < right, "LTE": left <= right}[op]


def _sort_key(deal: dict[str, Any], name: str) -> tuple[Any, int]:
    value = deal["properties"].get(name)
    key = _millis(value) if name in DATETIME_PROPERTIES else value
    return (key or 0, int(deal["id"]))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up waiting (the timeout tests) is not the fake's failure


def _handler_for(fake: FakeHubSpot) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status, headers, payload = fake.handle(self.command, self.path, self.headers, raw)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler
