"""``v0`` request signatures (Slack's scheme, which the CRM webhook reuses), checked safely.

Everything here arrives before authentication, so nothing may raise: a timestamp of 400
digits, ``nan``, a signature in another alphabet are each a plain refusal.
"""

from __future__ import annotations

import hashlib
import hmac
import re

MAX_CLOCK_SKEW_SECONDS = 5 * 60
UNIX_SECONDS = re.compile(r"^[0-9]{1,12}$")
V0_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


def v0_signature(secret: str, timestamp: str, body: bytes) -> str:
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verify_v0(
    *,
    secret: str,
    timestamp: str | None,
    given: str | None,
    body: bytes,
    now: float,
    timestamp_header: str,
    signature_header: str,
) -> str | None:
    """``None`` when the request is authentic and fresh, else why it is not."""
    if not timestamp or not given:
        return f"missing {timestamp_header} or {signature_header} header"
    if not UNIX_SECONDS.match(timestamp):
        return f"{timestamp_header} is not unix seconds"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return "request timestamp is more than 5 minutes away from now (replayed or clock skew)"
    if not V0_SIGNATURE.match(given):
        return f"{signature_header} is not a v0= signature"
    if not hmac.compare_digest(v0_signature(secret, timestamp, body), given):
        return "signature does not match"
    return None
