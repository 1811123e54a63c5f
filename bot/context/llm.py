"""The extractor for any OpenAI-compatible endpoint, with the built-in one as its safety net.

One chat completion with a strict JSON schema (llm_prompt.py). Every item the model returns
must carry a quote that `quotes.quote_in_source` finds in the transcript; items without one
are dropped and counted. Speaker and `at` come from the segment the quote was found in, not
from the model. Any failure (timeout, 429, 5xx, connection, refusal, invalid JSON, wrong
shape) is logged and answered by the fallback extractor: the caller never sees an exception.
"""

from __future__ import annotations

import copy
import json
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.context.llm_prompt import SYSTEM_PROMPT, response_format, user_message
from bot.context.model import (
    Commitment,
    Extraction,
    ExtractionTargets,
    Extractor,
    FieldSuggestion,
    Findings,
    Source,
    Stakeholder,
)
from bot.context.quotes import quote_in_source
from bot.context.segments import Segment, Transcript, format_offset
from bot.context.sides import EMAIL
from bot.context.signals import URL

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam
    from openai.types.shared_params import ResponseFormatJSONSchema

log = logging.getLogger(__name__)
MAX_ITEMS = 100  # per kind: a runaway answer must not become a runaway card


class AnswerError(ValueError):
    """The model answered, but not with what the schema asks for."""


class OpenAICompatibleExtractor:
    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        api_key: str,
        fallback: Extractor,
        timeout_seconds: float = 60.0,
        max_retries: int = 0,
    ) -> None:
        # Retries would multiply the wait before the fallback answers; the caller (a Slack
        # handler or a job) would rather get the built-in result now.
        from openai import OpenAI  # only when an LLM is configured: the SDK is heavy to import

        self.model = model
        self.fallback = fallback
        self.client = OpenAI(
            base_url=base_url, api_key=api_key, timeout=timeout_seconds, max_retries=max_retries
        )

    def with_fallback(self, fallback: Extractor) -> OpenAICompatibleExtractor:
        """The same endpoint and client with another fallback (e.g. a deal's seller hints)."""
        twin = copy.copy(self)
        twin.fallback = fallback
        return twin

    def extract(
        self, transcript: Transcript, *, source: Source, targets: ExtractionTargets
    ) -> Extraction:
        try:
            answer = self._ask(transcript, source=source)
            findings, dropped = verify(answer, transcript=transcript, slack=source.kind == "slack")
        except Exception as error:  # the fallback boundary: whatever went wrong, answer anyway
            log.warning(
                "LLM extraction failed (%s: %s); using the built-in extractor",
                type(error).__name__,
                str(error)[:200],
            )
            return self.fallback.extract(transcript, source=source, targets=targets)
        if dropped:
            log.info("LLM extraction: dropped %d items whose quote is not in the source", dropped)
        return findings.to_extraction(targets=targets, extractor="llm", dropped=dropped)

    def _ask(self, transcript: Transcript, *, source: Source) -> dict[str, Any]:
        content, _token = user_message(transcript, source=source)
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": content},
        ]
        answer_format: ResponseFormatJSONSchema = {
            "type": "json_schema",
            "json_schema": response_format()["json_schema"],
        }
        completion = self.client.chat.completions.create(
            model=self.model, messages=messages, response_format=answer_format, temperature=0
        )
        if not completion.choices:
            raise AnswerError("no choices in the answer")
        choice = completion.choices[0]
        if choice.message.refusal:
            raise AnswerError(f"the model refused: {choice.message.refusal[:100]}")
        # "length" means the JSON was cut off; other servers' reasons are accepted as-is
        if choice.finish_reason in ("length", "content_filter") or not choice.message.content:
            raise AnswerError(f"incomplete answer (finish_reason={choice.finish_reason})")
        data = json.loads(choice.message.content)  # JSONDecodeError is a ValueError
        if not isinstance(data, dict):
            raise AnswerError("the answer is not a JSON object")
        return data


def verify(answer: dict[str, Any], *, transcript: Transcript, slack: bool) -> tuple[Findings, int]:
    """Keep what the source supports; count the rest."""
    checker = _Checker(transcript, slack=slack)
    findings = Findings(
        use_case=checker.suggestions(answer, "use_case"),
        success_metrics=checker.suggestions(answer, "success_metrics"),
        risks=checker.suggestions(answer, "risks"),
        timeline=checker.suggestions(answer, "timeline", value=_iso_date),
        recordings=checker.suggestions(answer, "recordings", value=checker.url_in_quote),
        stakeholders=checker.stakeholders(answer),
        commitments=checker.commitments(answer),
    )
    return findings, checker.dropped


class _Checker:
    def __init__(self, transcript: Transcript, *, slack: bool) -> None:
        self.transcript = transcript
        self.slack = slack
        self.dropped = 0
        self.all_text = "\n".join(s.text for s in transcript.segments)

    def _list(self, answer: dict[str, Any], key: str) -> list[dict[str, Any]]:
        items = answer.get(key)
        if not isinstance(items, list):
            raise AnswerError(f"{key}: expected a list")
        kept = [i for i in items[:MAX_ITEMS] if isinstance(i, dict)]
        self.dropped += len(items) - len(kept)
        return kept

    def _where(self, item: dict[str, Any]) -> Segment | None:
        quote = item.get("quote")
        segment = quote_in_source(quote, self.transcript) if isinstance(quote, str) else None
        if segment is None:
            self.dropped += 1
        return segment

    def _at(self, segment: Segment) -> str | None:
        return None if self.slack else format_offset(segment.start)

    def suggestions(
        self, answer: dict[str, Any], key: str, *, value: Any = None
    ) -> tuple[FieldSuggestion, ...]:
        kept = []
        for item in self._list(answer, key):
            segment = self._where(item)
            if segment is None:
                continue
            raw = item.get("value")
            checked = (
                value(raw, item["quote"]) if value else (raw if isinstance(raw, str) else None)
            )
            if not checked:
                self.dropped += 1
                continue
            kept.append(FieldSuggestion(checked, item["quote"], segment.speaker, self._at(segment)))
        return tuple(kept)

    def url_in_quote(self, raw: Any, quote: str) -> str | None:
        urls = [u.rstrip(".,;:!?") for u in URL.findall(quote)]
        return raw if isinstance(raw, str) and raw in urls else None

    def stakeholders(self, answer: dict[str, Any]) -> tuple[Stakeholder, ...]:
        kept = []
        for item in self._list(answer, "stakeholders"):
            segment = self._where(item)
            if segment is None:
                continue
            name, side = item.get("name"), item.get("side")
            if not isinstance(name, str) or not _named(name, item["quote"], segment):
                self.dropped += 1  # a name the quote does not support is invented
                continue
            if side not in ("customer", "seller"):
                self.dropped += 1
                continue
            email = item.get("email")
            said = isinstance(email, str) and email in EMAIL.findall(self.all_text)
            title = item.get("title") if isinstance(item.get("title"), str) else None
            kept.append(
                Stakeholder(
                    name, title, email if said else None, side, item["quote"],
                    segment.speaker, self._at(segment),
                )
            )  # fmt: skip
        return tuple(kept)

    def commitments(self, answer: dict[str, Any]) -> tuple[Commitment, ...]:
        kept = []
        for item in self._list(answer, "commitments"):
            segment = self._where(item)
            text = item.get("text")
            if segment is None:
                continue
            if not isinstance(text, str) or not text.strip():
                self.dropped += 1
                continue
            due = _iso_date(item.get("due"), "")
            kept.append(
                Commitment(
                    text=text.strip(),
                    by=segment.speaker,
                    due=date.fromisoformat(due) if due else None,
                    quote=item["quote"],
                    at=self._at(segment),
                )
            )
        return tuple(kept)


def _named(name: str, quote: str, segment: Segment) -> bool:
    """The person is the speaker of the quote, or their first name is in it."""
    words = name.split()
    return bool(words) and (name == segment.speaker or words[0].lower() in quote.lower())


def _iso_date(raw: Any, _quote: str) -> str | None:
    if not isinstance(raw, str):
        return None
    try:
        return date.fromisoformat(raw.strip()[:10]).isoformat()
    except ValueError:
        return None
