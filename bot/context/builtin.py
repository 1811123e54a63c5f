"""The built-in extractor: offline, deterministic rules; always available.

Pipeline: sentences (sentences.py) -> one label per speaker (speakers.py) -> each speaker's
side (sides.py, with colleagues.py for who talks to whom) -> the customer's fiscal year if the
call states it (dates.py) ->
- stakeholders (people.py);
- seller commitments (promises.py, minus what hedges.py rules out: hedges, offers, logistics,
  roles and introductions, reassurances, capabilities, retractions; keeping only what shows a
  delivery, a date or a term, deliverables.py; then promise_talk.py: colleagues' to-dos,
  withdrawals later in the call, promises said again, one promise said in two sentences), each
  with its due date (dates.py, datemath.py, numbers.py);
- field findings: use case (use_case.py), recordings (signals.py), success metrics
  (metrics.py), risks (risks.py), the customer's timeline (timeline.py);
each carrying its verbatim sentence, clause or passage of one turn as the quote -> duplicates
dropped -> mapped onto playbook fields.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from bot.context.dates import fiscal_start_month
from bot.context.metrics import find_metrics
from bot.context.model import (
    Commitment,
    Extraction,
    ExtractionTargets,
    FieldSuggestion,
    Findings,
    Source,
    Stakeholder,
)
from bot.context.people import find_stakeholders
from bot.context.promises import find_commitments
from bot.context.quotes import normalize
from bot.context.risks import find_risks
from bot.context.segments import Transcript
from bot.context.sentences import sentences_of
from bot.context.sides import Hints, infer_sides
from bot.context.signals import find_recordings
from bot.context.speakers import canonical_speakers
from bot.context.timeline import find_timeline
from bot.context.use_case import find_use_cases

T = TypeVar("T", FieldSuggestion, Commitment, Stakeholder)


class BuiltinExtractor:
    """Rules you can read. `seller_names`, `seller_domains` and `seller_company` are what the
    app knows about its own side (the AE, the company's email domains and name); all optional."""

    def __init__(
        self,
        *,
        seller_names: Sequence[str] = (),
        seller_domains: Sequence[str] = (),
        seller_company: str | None = None,
    ) -> None:
        self.hints = Hints(
            seller_names=tuple(seller_names),
            seller_domains=tuple(seller_domains),
            seller_company=seller_company,
        )

    def extract(
        self, transcript: Transcript, *, source: Source, targets: ExtractionTargets
    ) -> Extraction:
        return self.findings(transcript, source=source).to_extraction(
            targets=targets, extractor="builtin"
        )

    def findings(self, transcript: Transcript, *, source: Source) -> Findings:
        slack = source.kind == "slack"
        sentences = canonical_speakers(sentences_of(transcript, timed=not slack))
        sides = infer_sides(sentences, hints=self.hints, default="seller" if slack else "customer")
        base = source.occurred_at
        stakeholders = find_stakeholders(sentences, sides=sides, hints=self.hints)
        colleagues = {p.name.split()[0] for p in stakeholders if p.side == "seller"}
        colleagues |= {name.split()[0] for name, side in sides.items() if side == "seller"}
        fiscal = fiscal_start_month(s.text for s in sentences)
        return Findings(
            use_case=_unique(
                find_use_cases(sentences, sides=sides, ours=self.hints.company_pattern()),
                key=_by_quote,
            ),
            success_metrics=_unique(find_metrics(sentences, sides=sides), key=_by_quote),
            timeline=_unique(
                find_timeline(sentences, sides=sides, base=base, fiscal_start=fiscal),
                key=_by_value,
            ),
            recordings=_unique(find_recordings(sentences), key=_by_value),
            risks=_unique(find_risks(sentences, sides=sides), key=_by_quote),
            stakeholders=tuple(stakeholders),
            commitments=_unique(
                find_commitments(
                    sentences,
                    sides=sides,
                    base=base,
                    colleagues=sorted(colleagues),
                    fiscal_start=fiscal,
                ),
                key=_by_quote,
            ),
        )


def _by_quote(item: FieldSuggestion | Commitment | Stakeholder) -> str:
    return normalize(item.quote)


def _by_value(item: FieldSuggestion | Commitment | Stakeholder) -> str:
    return normalize(item.value) if isinstance(item, FieldSuggestion) else _by_quote(item)


def _unique(items: Iterable[T], *, key: Callable[[T], str]) -> tuple[T, ...]:
    """First occurrence wins: a Slack thread repeats the same promise three times."""
    seen: set[str] = set()
    kept: list[T] = []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            kept.append(item)
    return tuple(kept)
