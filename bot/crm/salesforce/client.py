"""``SalesforcePort`` on the real ``simple_salesforce`` client.

Sessions expire: simple-salesforce logs in again by itself for password and JWT logins; for an
access token (or if that fails) the gateway reconnects through its ``connect`` factory and
retries once. Limits and outages become ``CrmUnavailable`` (try later), refusals
``CrmRejected``. API usage (``Sforce-Limit-Info``) is logged and kept for /healthz.

``REQUEST_LIMIT_EXCEEDED`` pauses the gateway itself for ``limit_backoff``: the poll, the
read-backs and the write-back share it, so none of them spends calls the org has not got.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol, TypeVar

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import (
    SalesforceError,
    SalesforceExpiredSession,
    SalesforceGeneralError,
    SalesforceRefusedRequest,
)
from simple_salesforce.format import format_soql

from bot.crm.errors import CrmRejected, CrmUnavailable
from bot.domain.clock import Clock, SystemClock

log = logging.getLogger(__name__)
T = TypeVar("T")
LIMIT_BACKOFF = timedelta(minutes=5)


class SalesforceGateway:
    def __init__(
        self,
        connect: Callable[[], Salesforce],
        *,
        clock: Clock | None = None,
        limit_backoff: timedelta = LIMIT_BACKOFF,
    ) -> None:
        self._connect = connect
        self._client: Salesforce | None = None
        self._lock = threading.Lock()
        self._clock = clock or SystemClock()
        self._limit_backoff = limit_backoff
        self._paused_until: datetime | None = None
        self.api_usage: str | None = None

    def pause_for_limit(self) -> float:
        """The org's daily API limit is reached: no call for ``limit_backoff``; its seconds."""
        with self._lock:
            first = self._paused_until is None
            self._paused_until = self._clock.now() + self._limit_backoff
        if first:
            log.warning(
                "Salesforce API limit reached (REQUEST_LIMIT_EXCEEDED): every Salesforce call "
                "waits %s",
                self._limit_backoff,
            )
        return self._limit_backoff.total_seconds()

    def _check_pause(self) -> None:
        with self._lock:
            until = self._paused_until
        if until is None:
            return
        remaining = (until - self._clock.now()).total_seconds()
        if remaining > 0:
            raise CrmUnavailable(
                f"Salesforce API limit reached; waiting until {until.isoformat()}",
                retry_after=remaining,
            )

    @property
    def instance_url(self) -> str:
        return "https://" + self._sf().sf_instance

    def api_version(self) -> str:
        return str(self._sf().sf_version)

    def query_batches(self, soql: str) -> Iterator[list[dict[str, Any]]]:
        """Every page of a query (2,000 records each), following nextRecordsUrl."""
        page = self._call(lambda sf: sf.query(soql))
        yield list(page["records"])
        while not page.get("done", True) and page.get("nextRecordsUrl"):
            page = self._call(partial(_query_more, url=str(page["nextRecordsUrl"])))
            yield list(page["records"])

    def composite(self, subrequests: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"allOrNone": False, "compositeRequest": subrequests}
        result = self._call(lambda sf: sf.restful("composite", method="POST", json=body))
        if not isinstance(result, dict):
            raise CrmUnavailable("Salesforce answered the composite request with no body")
        return list(result["compositeResponse"])

    def user_id_by_email(self, email: str) -> str | None:
        soql = format_soql(
            "SELECT Id FROM User WHERE Email = {} AND IsActive = true LIMIT 1", email
        )
        records = self._call(lambda sf: sf.query(soql))["records"]
        return str(records[0]["Id"]) if records else None

    def describe(self, object_name: str) -> dict[str, Any]:
        return dict(self._call(lambda sf: getattr(sf, object_name).describe()))

    def _sf(self) -> Salesforce:
        with self._lock:
            if self._client is None:
                self._client = self._login()
            return self._client

    def _login(self) -> Salesforce:
        try:
            return self._connect()
        except SalesforceError as error:
            raise CrmRejected(f"Salesforce login failed: {error}") from error
        except requests.RequestException as error:
            raise CrmUnavailable(f"Salesforce login: {type(error).__name__}") from error

    def _call(self, call: Callable[[Salesforce], T]) -> T:
        self._check_pause()
        for attempt in (1, 2):
            sf = self._sf()
            try:
                result = call(sf)
            except SalesforceExpiredSession:
                if attempt == 2:
                    raise CrmUnavailable(
                        "Salesforce session expired again after a new login"
                    ) from None
                log.info("Salesforce session expired; logging in again")
                with self._lock:
                    self._client = None
                continue
            except SalesforceRefusedRequest as error:
                if "REQUEST_LIMIT_EXCEEDED" in str(error.content):
                    raise CrmUnavailable(
                        "Salesforce API limit reached", retry_after=self.pause_for_limit()
                    ) from error
                raise CrmRejected(f"Salesforce refused: {_first_error(error.content)}") from error
            except SalesforceGeneralError as error:
                if error.status >= 500:
                    raise CrmUnavailable(f"Salesforce HTTP {error.status}") from error
                raise CrmRejected(f"Salesforce: {_first_error(error.content)}") from error
            except SalesforceError as error:
                raise CrmRejected(f"Salesforce: {_first_error(error.content)}") from error
            except requests.RequestException as error:
                raise CrmUnavailable(f"Salesforce: {type(error).__name__}") from error
            self._note_usage(sf)
            self._resume()
            return result
        raise AssertionError("unreachable")

    def _resume(self) -> None:
        with self._lock:
            was_paused, self._paused_until = self._paused_until is not None, None
        if was_paused:
            log.info("Salesforce calls resume after the API limit pause")

    def _note_usage(self, sf: Salesforce) -> None:
        usage = sf.api_usage.get("api-usage")
        if usage is not None:
            text = f"{usage.used}/{usage.total}"
            if text != self.api_usage:
                log.info("Salesforce API usage: %s calls in the last 24 h", text)
            self.api_usage = text


def _query_more(sf: Salesforce, *, url: str) -> Any:
    return sf.query_more(url, identifier_is_url=True)


def _first_error(content: Any) -> str:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        first = content[0]
        return f"{first.get('errorCode', 'ERROR')}: {first.get('message', '')}".strip()
    return str(content)[:300]


def connect_factory(
    *,
    mode: str,
    username: str | None,
    password: str | None,
    security_token: str | None,
    domain: str,
    instance_url: str | None,
    access_token: str | None,
    consumer_key: str | None,
    private_key_file: str | None,
    session: requests.Session | None = None,
) -> Callable[[], Salesforce]:
    """How to (re)connect, from the settings' login mode."""

    def connect() -> Salesforce:
        if mode == "jwt":
            return Salesforce(
                username=username,
                consumer_key=consumer_key,
                privatekey_file=private_key_file,
                domain=domain,
                session=session,
            )
        if mode == "password":
            return Salesforce(
                username=username,
                password=password,
                security_token=security_token or "",
                domain=domain,
                session=session,
            )
        return Salesforce(instance_url=instance_url, session_id=access_token, session=session)

    return connect


class SalesforcePort(Protocol):
    @property
    def instance_url(self) -> str: ...

    def pause_for_limit(self) -> float: ...

    def query_batches(self, soql: str) -> Iterator[list[dict[str, Any]]]: ...

    def composite(self, subrequests: list[dict[str, Any]]) -> list[dict[str, Any]]: ...

    def user_id_by_email(self, email: str) -> str | None: ...

    def describe(self, object_name: str) -> dict[str, Any]: ...

    def api_version(self) -> str: ...
