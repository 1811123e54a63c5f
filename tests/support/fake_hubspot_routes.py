"""The data and the routes of the HubSpot fake (``fake_hubspot.py`` serves them).

Constants mirror HubSpot's: scopes, default deal properties, association type ids, the default
pipeline's stages. ``HubSpotRoutes`` holds one method per route; it is mixed into ``FakeHubSpot``
and works on its records.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

PORTAL_ID = 24_680_135
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
SEARCH_WINDOW = 10_000
DEALS_R, DEALS_W = "crm.objects.deals.read", "crm.objects.deals.write"
SCHEMA_R, SCHEMA_W = "crm.schemas.deals.read", "crm.schemas.deals.write"
OWNERS_R, COMPANIES_R = "crm.objects.owners.read", "crm.objects.companies.read"
CONTACTS_W = "crm.objects.contacts.write"  # what HubSpot's tasks and notes APIs ask for
SCOPES = frozenset({DEALS_R, DEALS_W, SCHEMA_R, SCHEMA_W, OWNERS_R, COMPANIES_R, CONTACTS_W})
DAILY_LIMIT = 250_000
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
    """The fake's clock: starts at START, one millisecond later on every reading; with
    ``follow`` (the app's injected clock), never behind it."""

    now: datetime = START
    step: timedelta = field(default=timedelta(milliseconds=1))
    follow: Callable[[], datetime] | None = None

    def __call__(self) -> datetime:
        self.now += self.step
        if self.follow is not None:
            self.now = max(self.now, self.follow())
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


def _invalid_value(name: str, value: Any, error: str, why: str) -> Refused:
    said = f"{value!r} {why}"
    detail = f'[{{"isValid":false,"message":"{said}","error":"{error}","name":"{name}"}}]'
    return Refused(400, f"Property values were not valid: {detail}")


def _unknown_property(name: str) -> Refused:
    said = f'Property \\"{name}\\" does not exist'
    detail = (
        f'[{{"isValid":false,"message":"{said}","error":"PROPERTY_DOESNT_EXIST","name":"{name}"}}]'
    )
    return Refused(400, f"Property values were not valid: {detail}")


class HubSpotRoutes:
    """Route handlers; ``self`` is the ``FakeHubSpot``."""

    objects: dict[str, dict[str, dict[str, Any]]]

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
        limit, after = int(q.get("limit", ["100"])[0]), int(q.get("after", ["0"])[0])
        if not 0 < limit <= 500:
            raise Refused(400, f"limit must be between 1 and 500, got {limit}")
        page: dict[str, Any] = {"results": found[after : after + limit]}
        if after + limit < len(found):
            page["paging"] = {"next": {"after": str(after + limit)}}
        return 200, page

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


# method, path, the scope it needs (None: any token; "": no token at all), handler
ROUTES = (
    ("POST", r"/crm/v3/objects/deals/search", DEALS_R, "_search"),
    ("POST", r"/crm/v3/objects/(?P<kind>deals)/batch/read", DEALS_R, "_batch_read"),
    ("POST", r"/crm/v3/objects/(?P<kind>companies)/batch/read", COMPANIES_R, "_batch_read"),
    ("POST", r"/crm/v3/objects/deals/batch/update", DEALS_W, "_batch_update"),
    ("POST", r"/crm/v4/associations/(?P<from>[\w-]+)/(?P<to>[\w-]+)/batch/read", DEALS_R, "_links"),
    ("POST", r"/crm/v3/objects/(?P<kind>tasks|notes)", CONTACTS_W, "_create_activity"),
    ("PATCH", r"/crm/v3/objects/tasks/(?P<id>\d+)", CONTACTS_W, "_update_task"),
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
