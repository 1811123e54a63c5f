"""How a CRM adapter says a call did not work: wait and retry, or stop retrying."""

from __future__ import annotations


class CrmUnavailable(Exception):
    """The CRM could not be reached, or asked us to slow down; the work is retried later."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class CrmRejected(Exception):
    """The CRM refused the request for a reason a retry will not fix."""
