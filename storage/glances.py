"""What the sweeper reads of a batch of handoffs. For SLA warnings, glances: a few columns and
which fields are filled, in two column queries instead of ORM graphs (handoff, fields, canvas,
commitments); for other kinds, the handoffs as objects in one query. And ``among``, a batch of
ids as one condition."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import ColumnElement, Integer, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from storage.enums import HandoffStatus
from storage.models import FieldValue, Handoff

_GLANCES = "handoff.glances"


def among(
    session: Session, column: ColumnElement[int] | InstrumentedAttribute[int], ids: Iterable[int]
) -> ColumnElement[bool]:
    """``column IN ids`` for a batch of ids. On PostgreSQL one array parameter
    (``= ANY(:ids)``): the statement text stays the same whatever the number of ids, so the
    driver does not parse a thousand placeholders again for every batch."""
    values = sorted(set(ids))
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(Integer)))
    return column.in_(values)


@dataclass(frozen=True, slots=True)
class HandoffGlance:
    """What a nudge reads of a handoff, as plain column values instead of an ORM graph (no
    fields, canvas or commitments objects): the sweeper reads thousands at a time."""

    id: int
    crm: str
    deal_name: str
    status: HandoffStatus
    owner_slack_id: str | None
    ae_slack_id: str | None
    channel_id: str | None
    exception_by: str | None
    exception_until: date | None
    nudged_on: dict[str, str] | None
    # The keys of the fields that have a value.
    filled: frozenset[str]

    @classmethod
    def of(cls, handoff: Handoff) -> HandoffGlance:
        return cls(
            **{column.key: getattr(handoff, column.key) for column in _GLANCE_COLUMNS},
            filled=frozenset(value.key for value in handoff.fields if value.value.strip()),
        )


# A glance's columns, named as its fields (all but ``filled``).
_GLANCE_COLUMNS = (
    Handoff.id,
    Handoff.crm,
    Handoff.deal_name,
    Handoff.status,
    Handoff.owner_slack_id,
    Handoff.ae_slack_id,
    Handoff.channel_id,
    Handoff.exception_by,
    Handoff.exception_until,
    Handoff.nudged_on,
)


def glance_handoffs(session: Session, handoff_ids: Iterable[int]) -> dict[int, HandoffGlance]:
    """These handoffs as glances, by id: two column queries, whatever their number."""
    ids = set(handoff_ids)
    if not ids:
        return {}
    filled: dict[int, set[str]] = defaultdict(set)
    for handoff_id, key, value in session.execute(
        select(FieldValue.handoff_id, FieldValue.key, FieldValue.value).where(
            among(session, FieldValue.handoff_id, ids)
        )
    ):
        if value.strip():
            filled[handoff_id].add(key)
    return {
        row.id: HandoffGlance(**row._asdict(), filled=frozenset(filled.get(row.id, ())))
        for row in session.execute(select(*_GLANCE_COLUMNS).where(among(session, Handoff.id, ids)))
    }


@contextmanager
def glancing(session: Session, handoff_ids: Iterable[int]) -> Iterator[None]:
    """Inside the block ``glance`` answers for these handoffs from one batch read. Only for
    handoffs nothing else changes inside the block but the nudges (``remember_nudge`` keeps
    the glances current)."""
    session.info[_GLANCES] = glance_handoffs(session, handoff_ids)
    try:
        yield
    finally:
        session.info.pop(_GLANCES, None)


def glance(session: Session, handoff_id: int) -> HandoffGlance | None:
    """The handoff as a glance: from the batch read (``glancing``) when there is one."""
    glances: dict[int, HandoffGlance] | None = session.info.get(_GLANCES)
    if glances is not None and handoff_id in glances:
        return glances[handoff_id]
    handoff = session.get(Handoff, handoff_id)
    return None if handoff is None else HandoffGlance.of(handoff)


def renew(session: Session, handoff: HandoffGlance, *, nudged_on: dict[str, str]) -> bool:
    """Keep a batch-read glance current with the nudge days just recorded; ``False`` when
    ``handoff`` was not read for the batch (it may be loaded as an object instead)."""
    glances: dict[int, HandoffGlance] | None = session.info.get(_GLANCES)
    if glances is None or handoff.id not in glances:
        return False
    glances[handoff.id] = replace(handoff, nudged_on=nudged_on)
    return True


def load_handoffs(session: Session, handoff_ids: Sequence[int]) -> list[Handoff]:
    """These handoffs and their fields in one query (batch work). The session only holds weak
    references: keep the list while the batch runs, or ``session.get`` loads each again."""
    if not handoff_ids:
        return []
    return list(
        session.scalars(
            select(Handoff)
            .where(Handoff.id.in_(set(handoff_ids)))
            .options(selectinload(Handoff.fields))
        ).all()
    )
