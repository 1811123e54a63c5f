"""Completing the record: the fields modal's values, validated and saved with provenance."""

from __future__ import annotations

from bot.domain.errors import Refused
from bot.domain.fields import field_error, normalise
from bot.domain.permissions import Permission
from bot.workflow.changes import HandoffChanges
from storage.enums import AuditAction, FieldSource
from storage.models import FieldValue


class DetailsService(HandoffChanges):
    """The AE (or owner) completes the record: typed, validated, with who set each value."""

    def field_errors(self, *, handoff_id: int, values: dict[str, str | None]) -> dict[str, str]:
        with self._sessions.begin() as session:
            handoff = self._load(session, handoff_id, lock=False)
            current = {value.key for value in handoff.fields}
        errors: dict[str, str] = {}
        for key, raw in values.items():
            spec = self._playbook.field(key)
            if spec is None:
                continue
            problem = field_error(spec, normalise(spec, raw), had_value=key in current)
            if problem:
                errors[key] = problem
        return errors

    def save_fields(self, *, handoff_id: int, actor: str, values: dict[str, str | None]) -> None:
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.ADD_DETAILS) as (
            session,
            handoff,
        ):
            existing = {value.key: value for value in handoff.fields}
            changes: dict[str, list[str | None]] = {}
            for spec in self._playbook.fields:
                if spec.key not in values:
                    continue
                new = normalise(spec, values[spec.key])
                current = existing.get(spec.key)
                if field_error(spec, new, had_value=current is not None):
                    raise Refused(f"{spec.label} could not be saved; open Add details again.")
                if (current.value if current else "") == new:
                    continue
                changes[spec.key] = [current.value if current else None, new or None]
                if current is None:
                    handoff.fields.append(
                        FieldValue(
                            key=spec.key,
                            value=new,
                            source=FieldSource.PERSON,
                            set_by=actor,
                            updated_at=now,
                        )
                    )
                elif new:
                    current.value, current.source, current.set_by = new, FieldSource.PERSON, actor
                    current.updated_at, current.crm_value = now, None
                else:
                    handoff.fields.remove(current)
            if not changes:
                return
            session.flush()
            session.refresh(handoff, ["fields"])
            labels = [spec.label for spec in self._playbook.fields if spec.key in changes]
            self._changed(
                session,
                handoff,
                actor,
                AuditAction.FIELD_SET,
                now,
                {"changes": changes, "labels": labels},
            )
