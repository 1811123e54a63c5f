"""Validation of the values people type into the fields modal (pure, no I/O)."""

from __future__ import annotations

import re
from datetime import date

from bot.config.playbook import FieldSpec, FieldType

MAX_CHARS = 3000
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def normalise(spec: FieldSpec, raw: str | None) -> str:
    value = (raw or "").strip()
    if spec.type is FieldType.URLS:
        value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
    return value


def field_error(spec: FieldSpec, value: str, *, had_value: bool) -> str | None:
    """Why ``value`` cannot be saved for ``spec``, or ``None``. Empty means "not known yet"."""
    if not value:
        if spec.required and had_value:
            return f"{spec.label} is required: it can be changed but not emptied."
        return None
    if len(value) > MAX_CHARS:
        return f"Keep it under {MAX_CHARS} characters (this is {len(value)})."
    if spec.type is FieldType.URLS:
        bad = [line for line in value.splitlines() if not URL.match(line)]
        if bad:
            return f"Not a link: {bad[0][:60]}. Put one http(s) URL per line."
    if spec.type is FieldType.DATE:
        try:
            date.fromisoformat(value)
        except ValueError:
            return "Pick a date."
    return None
