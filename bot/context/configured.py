"""The extractor the settings configure, made when a deal's context is first read.

The built-in extractor's rules (dates, people, promises, metrics, risks …) and the LLM client
are the heaviest part of this package: a Handoff whose deals never bring a call or a message
does not load them, and one that does loads them once, off the request path.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.context.model import Extractor

if TYPE_CHECKING:
    from bot.context.llm import OpenAICompatibleExtractor


class ConfiguredExtractors:
    """The configured endpoint (one client, made once) with a built-in fallback per deal, so
    each deal's extraction knows its own seller side (the AE's name and email domain)."""

    def __init__(
        self,
        *,
        base_url: str | None,
        model: str | None,
        api_key: str | None,
        timeout_seconds: float = 60.0,
    ) -> None:
        self._base_url, self._model = base_url, model
        self._api_key, self._timeout_seconds = api_key, timeout_seconds
        self._llm: OpenAICompatibleExtractor | None = None
        self._made = threading.Lock()

    @property
    def uses_llm(self) -> bool:
        return bool(self._base_url and self._model)

    def for_seller(self, *, names: Sequence[str] = (), domains: Sequence[str] = ()) -> Extractor:
        from bot.context.builtin import BuiltinExtractor

        builtin = BuiltinExtractor(seller_names=names, seller_domains=domains)
        llm = self._endpoint()
        return llm.with_fallback(builtin) if llm else builtin

    def _endpoint(self) -> OpenAICompatibleExtractor | None:
        if not self.uses_llm:
            return None
        with self._made:
            if self._llm is None:
                from bot.context.cli import configured_extractor
                from bot.context.llm import OpenAICompatibleExtractor

                made = configured_extractor(
                    base_url=self._base_url,
                    model=self._model,
                    api_key=self._api_key,
                    timeout_seconds=self._timeout_seconds,
                )
                assert isinstance(made, OpenAICompatibleExtractor)
                self._llm = made
            return self._llm
