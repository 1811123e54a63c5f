"""A loopback HTTP fake of HubSpot's CRM API that the real ``hubspot-api-client`` talks to.

Point ``HubSpotClient(base_url=fake.url, access_token=fake.token)`` at it. Like HubSpot it wants
``Authorization: Bearer <token>`` (401 otherwise) and the scopes each call needs (403
MISSING_SCOPES), refuses unknown deal properties, values a property's type cannot hold (a
dropdown option it lacks, a non-boolean, a non-date), batches over 100, duplicate batch ids, a
search limit over 200 and a search ``after`` at or past 10,000 with 400 in HubSpot's error
shape; pages search results through ``paging.next.after``; keeps v4 associations with HubSpot's
type ids; stores tasks, notes, owners (paged), pipelines, properties and property groups;
answers the private-app access-token-info endpoint; sends HubSpot's rate-limit headers (none on
search answers). Every request is recorded in ``calls``; ``fail_next`` and ``stall_next``
inject 429/5xx/401 answers and slow replies. Its clock (``Ticker``) can follow the app's.

Stricter than HubSpot on purpose: HubSpot leaves unknown names in a read's ``properties`` list
out of the answer, the fake refuses them so a misspelt property fails a test. The scope each
route demands is an approximation of HubSpot's. The routes live in ``fake_hubspot_routes.py``.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.fake_hubspot_routes import (
    ASSOCIATION_TYPES,
    DAILY_LIMIT,
    DEAL_PROPERTIES,
    OTHER_PROPERTIES,
    PORTAL_ID,
    ROUTES,
    SCOPES,
    STAGES,
    START,
    TOKEN,
    Call,
    Fault,
    HubSpotRoutes,
    Refused,
    Ticker,
    _invalid_value,
    _millis,
    _missing_scope,
    _unknown_property,
    hs_time,
)


class FakeHubSpot(HubSpotRoutes):
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
        self.daily_used = 0
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

    def delete_deal(self, deal_id: str) -> None:
        with self._lock:
            del self.objects["deals"][deal_id]

    def add_pipeline(
        self, pipeline_id: str, label: str, stages: list[tuple[str, str, str, str]]
    ) -> None:
        """A custom pipeline: stages as (id, label, probability, "true"/"false" closed)."""
        with self._lock:
            self.pipelines.append(self._pipeline(pipeline_id, label, stages))

    def add_deal_property(
        self, name: str, *, kind: str = "string", field_type: str = "text", **extra: Any
    ) -> None:
        with self._lock:
            made = self._property(name, name, kind, field_type, "dealinformation", False)
            self.deal_properties[name] = {**made, **extra}

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
        mine = [link for link in self.links if link[:3] == (from_type, from_id, to_type)]
        for _, _, _, b_id, type_id in sorted(mine):
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
            if kind == "deals":
                self._check_value(self.deal_properties[name], props[name])
        return props

    @staticmethod
    def _check_value(spec: dict[str, Any], value: Any) -> None:
        """HubSpot refuses a value its property's type cannot hold ("" always clears)."""
        name, kind = spec["name"], spec["type"]
        if value in (None, ""):
            return
        text = str(value)
        options = [o["value"] for o in spec.get("options") or []]
        if kind == "enumeration" and options and text not in options:
            raise _invalid_value(name, text, "INVALID_OPTION", f"is not one of {options}")
        if kind == "bool" and text not in ("true", "false"):
            raise _invalid_value(name, text, "INVALID_BOOLEAN", "is not true or false")
        if kind in ("date", "datetime") and _millis(text) is None:
            raise _invalid_value(name, text, "INVALID_DATE", "is not a date")
        if kind == "number":
            try:
                float(text)
            except ValueError:
                raise _invalid_value(name, text, "INVALID_NUMBER", "is not a number") from None

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
                status, _, payload = self._route(
                    method, parts.path, parse_qs(parts.query), headers, body
                )
                return status, self._limits(parts.path), payload
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                refused = Refused(400, f"Invalid input JSON: {type(error).__name__} {error}")
            except Refused as error:
                refused = error
        return refused.status, {}, {**refused.body, "correlationId": str(uuid.uuid4())}

    def _limits(self, path: str) -> dict[str, str]:
        """HubSpot's rate-limit headers; search answers carry none."""
        self.daily_used += 1
        if path.endswith("/search"):
            return {}
        return {
            "X-HubSpot-RateLimit-Daily": str(DAILY_LIMIT),
            "X-HubSpot-RateLimit-Daily-Remaining": str(DAILY_LIMIT - self.daily_used),
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Max": "190",
        }

    def _route(
        self, method: str, path: str, query: dict[str, Any], headers: Any, body: Any
    ) -> tuple[int, dict[str, str], Any]:
        for verb, pattern, scope, name in ROUTES:
            if verb == method and (match := re.fullmatch(pattern, path)):
                # EU-hosted tokens need the header even where the token is the body.
                bearer = scope != "" or self.token.startswith("pat-eu1-")
                if bearer and headers.get("Authorization") != f"Bearer {self.token}":
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
