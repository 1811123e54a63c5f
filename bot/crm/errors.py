"""How a CRM adapter says a call did not work: wait and retry, or stop retrying."""

from __future__ import annotations

from bot.domain.errors import Unavailable


class CrmUnavailable(Unavailable):
    """The CRM could not be reached, or asked us to slow down; the work is retried later."""


class CrmRejected(Exception):
    """The CRM refused the request for a reason a retry will not fix."""
