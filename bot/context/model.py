"""What an extractor finds, and how it lands on the playbook's handoff fields.

Extractors produce `Findings` (one list per kind of finding); `Findings.to_extraction` maps them
onto the playbook field keys named by `ExtractionTargets`, so the built-in and the LLM
extractor fill fields the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from bot.context.segments import Transcript

Side = Literal["customer", "seller"]
SourceKind = Literal["call", "slack"]
ExtractorName = Literal["builtin", "llm"]


@dataclass(frozen=True)
class Source:
    """Where a transcript came from. `occurred_at` anchors relative dates ("by Friday")."""

    kind: SourceKind = "call"
    title: str | None = None
    occurred_at: date | None = None
    url: str | None = None


@dataclass(frozen=True)
class FieldSuggestion:
    value: str
    quote: str
    speaker: str | None
    at: str | None  # "hh:mm:ss" into the call, None for Slack or untimed transcripts

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "quote": self.quote, "speaker": self.speaker, "at": self.at}


@dataclass(frozen=True)
class Stakeholder:
    name: str
    title: str | None
    email: str | None
    side: Side
    quote: str
    # Where the quote was said; used for the contacts field suggestion, not in to_json().
    speaker: str | None = None
    at: str | None = None

    def contact_line(self) -> str:
        """'Name, Title <email>' — the line format of a playbook `contacts` field."""
        line = f"{self.name}, {self.title}" if self.title else self.name
        return f"{line} <{self.email}>" if self.email else line

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "email": self.email,
            "side": self.side,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Commitment:
    text: str
    by: str | None
    due: date | None
    quote: str
    at: str | None

    def to_json(self) -> dict[str, Any]:
        due = self.due.isoformat() if self.due else None
        return {"text": self.text, "by": self.by, "due": due, "quote": self.quote, "at": self.at}


@dataclass(frozen=True)
class ExtractionTargets:
    """Which playbook field receives which kind of finding; None means "don't extract it".
    Defaults are the keys of Handoff's default playbook."""

    use_case: str | None = "primary_use_case"
    success_metrics: str | None = "success_metrics"
    stakeholders: str | None = "decision_makers"
    commitments: str | None = "promises_made"
    timeline: str | None = "customer_timeline"
    recordings: str | None = "call_recordings"
    risks: str | None = "risks"


@dataclass(frozen=True)
class Extraction:
    fields: dict[str, tuple[FieldSuggestion, ...]]
    stakeholders: tuple[Stakeholder, ...]
    commitments: tuple[Commitment, ...]
    extractor: ExtractorName = "builtin"  # which extractor actually produced this
    dropped: int = 0  # LLM items dropped because their quote was not in the source

    def to_json(self) -> dict[str, Any]:
        """Exactly the documented shape (extractor and dropped are reported separately)."""
        return {
            "fields": {k: [s.to_json() for s in v] for k, v in self.fields.items()},
            "stakeholders": [s.to_json() for s in self.stakeholders],
            "commitments": [c.to_json() for c in self.commitments],
        }


@dataclass(frozen=True)
class Findings:
    """Everything an extractor found, by kind, before it is mapped onto playbook fields."""

    use_case: tuple[FieldSuggestion, ...] = ()
    success_metrics: tuple[FieldSuggestion, ...] = ()
    timeline: tuple[FieldSuggestion, ...] = ()  # value: ISO date
    recordings: tuple[FieldSuggestion, ...] = ()  # value: URL
    risks: tuple[FieldSuggestion, ...] = ()
    stakeholders: tuple[Stakeholder, ...] = ()
    commitments: tuple[Commitment, ...] = ()

    def to_extraction(
        self, *, targets: ExtractionTargets, extractor: ExtractorName, dropped: int = 0
    ) -> Extraction:
        fields: dict[str, tuple[FieldSuggestion, ...]] = {}
        plain = (
            (targets.use_case, self.use_case),
            (targets.success_metrics, self.success_metrics),
            (targets.timeline, self.timeline),
            (targets.recordings, self.recordings),
            (targets.risks, self.risks),
        )
        for key, items in plain:
            if key is not None:
                fields[key] = fields.get(key, ()) + items
        if targets.stakeholders is not None:
            fields[targets.stakeholders] = fields.get(targets.stakeholders, ()) + tuple(
                _contact_suggestion(s)
                for s in self.stakeholders
                if s.side == "customer"  # a contacts field lists the customer's people
            )
        if targets.commitments is not None:
            fields[targets.commitments] = fields.get(targets.commitments, ()) + tuple(
                FieldSuggestion(value=_promise_value(c), quote=c.quote, speaker=c.by, at=c.at)
                for c in self.commitments
            )
        return Extraction(
            fields=fields,
            stakeholders=self.stakeholders if targets.stakeholders is not None else (),
            commitments=self.commitments if targets.commitments is not None else (),
            extractor=extractor,
            dropped=dropped,
        )


def _contact_suggestion(person: Stakeholder) -> FieldSuggestion:
    return FieldSuggestion(
        value=person.contact_line(), quote=person.quote, speaker=person.speaker, at=person.at
    )


def _promise_value(commitment: Commitment) -> str:
    due = commitment.due
    return f"{commitment.text} (by {due.isoformat()})" if due else commitment.text


class Extractor(Protocol):
    """The port both extractors implement. Never raises for content it cannot use."""

    def extract(
        self, transcript: Transcript, *, source: Source, targets: ExtractionTargets
    ) -> Extraction: ...
