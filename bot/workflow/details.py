"""Completing the record: the fields modal's values, validated and saved with provenance."""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.errors import Refused
from bot.domain.fields import field_error, normalise
from bot.domain.permissions import Permission
from bot.workflow.changes import HandoffChanges
from bot.workflow.suggestion_rows import recount, settle_shown
from storage.enums import AuditAction, FieldSource
from storage.models import FieldValue


class DetailsService(HandoffChanges):
    """The AE (or owner) completes the record: typed, validated, with who set each value."""

    def field_errors(self, *, handoff_id: int, values: dict[str, str | None]) -> dict[str, str]:
        # Checked before the ack. Only an emptied required field needs to know whether it had
        # a value: then one light read (a handoff that is gone has none, and saving it is
        # refused after the ack); otherwise the check is pure.
        specs = {key: spec for key in values if (spec := self._playbook.field(key)) is not None}
        cleared = [
            k for k, spec in specs.items() if spec.required and not normalise(spec, values[k])
        ]
        current: set[str] = set()
        if cleared:
            with self._reads.begin() as session:
                current = set(
                    session.scalars(
                        select(FieldValue.key).where(
                            FieldValue.handoff_id == handoff_id, FieldValue.key.in_(cleared)
                        )
                    )
                )
        errors: dict[str, str] = {}
        for key, spec in specs.items():
            problem = field_error(spec, normalise(spec, values[key]), had_value=key in current)
            if problem:
                errors[key] = problem
        return errors

    def save_fields(
        self,
        *,
        handoff_id: int,
        actor: str,
        values: dict[str, str | None],
        suggested: dict[str, list[int]] | None = None,
    ) -> None:
        """Save the modal. ``suggested``: the suggestions it showed, per field; the ones the
        saved value holds are kept (the field records where they came from), the rest are
        dismissed."""
        now = self._clock.now()
        with self._acting(handoff_id, actor, Permission.ADD_DETAILS) as (
            session,
            handoff,
        ):
            existing = {value.key: value for value in handoff.fields}
            final = {
                spec.key: normalise(spec, values[spec.key])
                for spec in self._playbook.fields
                if spec.key in values
            }
            kept = settle_shown(
                session, handoff, shown=suggested or {}, values=final, actor=actor, now=now
            )
            changes: dict[str, list[str | None]] = {}
            for spec in self._playbook.fields:
                if spec.key not in final:
                    continue
                new = final[spec.key]
                current = existing.get(spec.key)
                if field_error(spec, new, had_value=current is not None):
                    raise Refused(f"{spec.label} could not be saved; open Add details again.")
                if (current.value if current else "") == new:
                    continue
                changes[spec.key] = [current.value if current else None, new or None]
                if current is None:
                    current = FieldValue(
                        key=spec.key,
                        value=new,
                        source=FieldSource.PERSON,
                        set_by=actor,
                        updated_at=now,
                    )
                    handoff.fields.append(current)
                elif new:
                    current.value, current.source, current.set_by = new, FieldSource.PERSON, actor
                    current.updated_at, current.crm_value = now, None
                else:
                    handoff.fields.remove(current)
                    continue
                origin = kept.get(spec.key)
                current.suggested_from = origin.suggested_from if origin else None
                current.suggested_quote = origin.quote if origin else None
                current.suggestion_id = origin.suggestion_id if origin else None
            session.flush()
            session.refresh(handoff, ["fields"])
            recount(session, handoff, now)
            if not changes:
                return
            labels = [spec.label for spec in self._playbook.fields if spec.key in changes]
            detail: dict[str, object] = {"changes": changes, "labels": labels}
            if kept:
                detail["suggested"] = {key: k.suggested_from for key, k in kept.items()}
            self._changed(session, handoff, actor, AuditAction.FIELD_SET, now, detail)
