"""A loopback HTTPS fake of the Salesforce REST API that the real ``simple_salesforce`` talks to.

TLS comes from a throwaway CA (``trustme``): simple-salesforce always builds https:// URLs.
It understands the SOQL Handoff sends (a field list, ``StageName IN``, ``SystemModstamp >=``,
``Id =``, ``Email =``), pages results through ``nextRecordsUrl``, describes objects, applies
composite PATCH/POST subrequests, counts API calls, and fails on demand with 401
INVALID_SESSION_ID, 403 REQUEST_LIMIT_EXCEEDED, 5xx or a validation rule.
"""

from __future__ import annotations

import itertools
import json
import re
import ssl
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import trustme
from simple_salesforce.api import Salesforce

VERSION = "59.0"
ORG_ID = "00D5g000000FAKEEAA"
OPPORTUNITY_FIELDS = {
    "Id": False,
    "Name": True,
    "StageName": True,
    "Amount": True,
    "CloseDate": True,
    "SystemModstamp": False,
    "OwnerId": True,
    "AccountId": True,
    "Primary_Use_Case__c": True,
    "Success_Metrics__c": True,
    "Handoff_Status__c": True,
    "Handoff_Owner__c": True,
    "Handoff_Ready__c": True,
    "Handoff_Ready_At__c": True,
    "Handoff_Slack_Link__c": True,
}
TASK_FIELDS = {
    "Id": False,
    "WhatId": True,
    "OwnerId": True,
    "Subject": True,
    "ActivityDate": True,
    "Status": True,
    "Description": True,
}


def sf_time(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}+0000"
    )


class FakeSalesforce:
    def __init__(self, workdir: Path) -> None:
        self.ca = trustme.CA()
        self.ca_file = workdir / "fake-salesforce-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.opportunities: dict[str, dict[str, Any]] = {}
        self.users: dict[str, str] = {}  # email -> user id
        self.tasks: list[dict[str, Any]] = []
        self.task_updates: list[tuple[str, dict[str, Any]]] = []
        self.updates: list[tuple[str, dict[str, Any]]] = []
        self.api_calls = 0
        self.composite_calls: list[int] = []
        self.batch_size = 2000
        self.token = "00DFAKE!token-1"
        self.faults: list[tuple[str, int]] = []  # (kind, times)
        self.validation_rules: dict[str, str] = {}  # field -> message
        self._results: dict[str, list[dict[str, Any]]] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    @property
    def instance_url(self) -> str:
        return f"https://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> FakeSalesforce:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def session(self) -> requests.Session:
        session = requests.Session()
        session.verify = str(self.ca_file)
        session.trust_env = False  # this machine sets REQUESTS_CA_BUNDLE, which would win
        return session

    def connect(self) -> Salesforce:
        """What the app's connect factory does with an access token: a new client each login."""
        return Salesforce(
            instance_url=self.instance_url,
            session_id=self.token,
            session=self.session(),
            version=VERSION,
        )

    # -- the org --------------------------------------------------------------------------------
    def put_opportunity(
        self, opportunity_id: str, *, at: datetime, **fields: Any
    ) -> dict[str, Any]:
        with self._lock:
            record = self.opportunities.setdefault(opportunity_id, {"Id": opportunity_id})
            for key, value in fields.items():
                if key == "ae_email":
                    record["Owner"] = {"attributes": {"type": "User"}, "Email": value}
                elif key == "account_name":
                    record["Account"] = {"attributes": {"type": "Account"}, "Name": value}
                else:
                    record[key] = value
            record["SystemModstamp"] = sf_time(at)
            return dict(record)

    def expire_session(self) -> None:
        with self._lock:
            self.token = f"00DFAKE!token-{next(self._ids) + 1}"

    def fail(self, kind: str, times: int = 1) -> None:
        with self._lock:
            self.faults.append((kind, times))

    # -- request handling -------------------------------------------------------------------
    def _next_fault(self) -> str | None:
        with self._lock:
            if not self.faults:
                return None
            kind, times = self.faults[0]
            self.faults[0] = (kind, times - 1)
            if times - 1 <= 0:
                self.faults.pop(0)
            return kind

    def _route(
        self, method: str, path: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any]:
        prefix = f"/services/data/v{VERSION}/"
        if not path.startswith(prefix):
            return 404, [{"errorCode": "NOT_FOUND", "message": path}]
        rest = path[len(prefix) :].rstrip("/")
        if method == "GET" and rest == "query":
            return 200, self._query(query["q"][0])
        if method == "GET" and rest.startswith("query/"):
            return 200, self._page(rest.split("/", 1)[1])
        if method == "GET" and rest.endswith("/describe"):
            return self._describe(rest.split("/")[1])
        if method == "POST" and rest == "composite":
            return 200, self._composite(body)
        if method == "PATCH" and rest.startswith("sobjects/Opportunity/"):
            return self._patch(rest.split("/")[2], body)
        if method == "PATCH" and rest.startswith("sobjects/Task/"):
            return self._patch_task(rest.split("/")[2], body)
        return 404, [{"errorCode": "NOT_FOUND", "message": f"{method} {path}"}]

    def _query(self, soql: str) -> dict[str, Any]:
        match = re.match(
            r"SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY .+?)?(?: LIMIT (\d+))?$", soql
        )
        assert match, soql
        fields, sobject, where, _ = match.groups()
        if sobject == "User":
            email = re.search(r"Email = '([^']*)'", where or "")
            user = self.users.get(email.group(1).lower()) if email else None
            records = [{"attributes": {"type": "User"}, "Id": user}] if user else []
            return {"totalSize": len(records), "done": True, "records": records}
        with self._lock:
            rows = [dict(r) for r in self.opportunities.values()]
        if where:
            stages = re.search(r"StageName IN \(([^)]*)\)", where)
            if stages:
                wanted = {
                    s.strip().strip("'").replace("\\'", "'") for s in stages.group(1).split("',")
                }
                wanted = {w.strip("'") for w in wanted}
                rows = [r for r in rows if r.get("StageName") in wanted]
            since = re.search(r"SystemModstamp >= (\S+)", where)
            if since:
                floor = datetime.fromisoformat(since.group(1).replace("Z", "+00:00"))
                rows = [r for r in rows if _parse(r["SystemModstamp"]) >= floor]
            one = re.search(r"Id = '([^']*)'", where)
            if one:
                rows = [r for r in rows if r["Id"] == one.group(1)]
        rows.sort(key=lambda r: (r["SystemModstamp"], r["Id"]))
        selected = [name.strip() for name in fields.split(",")]
        records = [_project(r, selected) for r in rows]
        return self._paged(records)

    def _paged(self, records: list[dict[str, Any]], offset: int = 0) -> dict[str, Any]:
        page = records[offset : offset + self.batch_size]
        done = offset + self.batch_size >= len(records)
        result: dict[str, Any] = {"totalSize": len(records), "done": done, "records": page}
        if not done:
            locator = f"01gFAKE{next(self._ids)}-{offset + self.batch_size}"
            self._results[locator] = records
            result["nextRecordsUrl"] = f"/services/data/v{VERSION}/query/{locator}"
        return result

    def _page(self, locator: str) -> dict[str, Any]:
        return self._paged(self._results.pop(locator), int(locator.rsplit("-", 1)[1]))

    def _describe(self, sobject: str) -> tuple[int, Any]:
        fields = {
            "Opportunity": OPPORTUNITY_FIELDS,
            "Task": TASK_FIELDS,
            "User": {"Id": False, "Email": True},
        }.get(sobject)
        if fields is None:
            return 404, [{"errorCode": "NOT_FOUND", "message": sobject}]
        return 200, {
            "name": sobject,
            "fields": [
                {"name": name, "updateable": writable, "createable": writable}
                for name, writable in fields.items()
            ],
        }

    def _patch(self, opportunity_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        for field, message in self.validation_rules.items():
            if field in body:
                return 400, [
                    {
                        "errorCode": "FIELD_CUSTOM_VALIDATION_EXCEPTION",
                        "message": message,
                        "fields": [field],
                    }
                ]
        unknown = [f for f in body if f not in OPPORTUNITY_FIELDS]
        if unknown:
            return 400, [
                {"errorCode": "INVALID_FIELD", "message": f"No such column '{unknown[0]}'"}
            ]
        with self._lock:
            if opportunity_id not in self.opportunities:
                return 404, [{"errorCode": "NOT_FOUND", "message": opportunity_id}]
            self.opportunities[opportunity_id].update(body)
            self.updates.append((opportunity_id, dict(body)))
        return 204, None

    def _patch_task(self, task_id: str, body: dict[str, Any]) -> tuple[int, Any]:
        unknown = [f for f in body if not TASK_FIELDS.get(f)]
        if unknown:
            return 400, [{"errorCode": "INVALID_FIELD", "message": f"No such column {unknown[0]}"}]
        with self._lock:
            task = next((t for t in self.tasks if t["Id"] == task_id), None)
            if task is None:
                return 404, [{"errorCode": "NOT_FOUND", "message": task_id}]
            task.update(body)
            self.task_updates.append((task_id, dict(body)))
        return 204, None

    def _composite(self, body: dict[str, Any]) -> dict[str, Any]:
        requests_ = body["compositeRequest"]
        assert len(requests_) <= 25, "Salesforce allows 25 subrequests per composite call"
        self.composite_calls.append(len(requests_))
        answers = []
        for sub in requests_:
            path = urlsplit(sub["url"]).path
            if sub["method"] == "POST" and path.endswith("/sobjects/Task"):
                task_id = f"00T{next(self._ids):012d}"
                with self._lock:
                    self.tasks.append({"Id": task_id, **sub["body"]})
                status, answer = 201, {"id": task_id, "success": True, "errors": []}
            else:
                status, answer = self._route(sub["method"], path, {}, sub.get("body"))
            answers.append(
                {
                    "body": answer,
                    "httpHeaders": {},
                    "httpStatusCode": status,
                    "referenceId": sub["referenceId"],
                }
            )
        return {"compositeResponse": answers}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _serve(self, method: str) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                with fake._lock:
                    fake.api_calls += 1
                    calls = fake.api_calls
                if self.headers.get("Authorization") != f"Bearer {fake.token}":
                    self._send(
                        401,
                        [
                            {
                                "errorCode": "INVALID_SESSION_ID",
                                "message": "Session expired or invalid",
                            }
                        ],
                        calls,
                    )
                    return
                fault = fake._next_fault()
                if fault == "limit":
                    self._send(
                        403,
                        [
                            {
                                "errorCode": "REQUEST_LIMIT_EXCEEDED",
                                "message": "TotalRequests Limit exceeded.",
                            }
                        ],
                        calls,
                    )
                    return
                if fault == "5xx":
                    self._send(
                        503, [{"errorCode": "SERVER_UNAVAILABLE", "message": "try later"}], calls
                    )
                    return
                status, answer = fake._route(method, parts.path, parse_qs(parts.query), body)
                self._send(status, answer, calls)

            def _send(self, status: int, answer: Any, calls: int) -> None:
                payload = b"" if answer is None else json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(payload)))
                self.send_header("Sforce-Limit-Info", f"api-usage={calls}/15000")
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

        return Handler


def _parse(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")


def _project(record: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"attributes": {"type": "Opportunity"}}
    for name in fields:
        if "." in name:
            parent, child = name.split(".", 1)
            related = record.get(parent)
            out[parent] = (
                None
                if related is None
                else {"attributes": related.get("attributes", {}), child: related.get(child)}
            )
        else:
            out[name] = record.get(name)
    return out
