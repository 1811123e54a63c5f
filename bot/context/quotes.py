"""Is a quote really in the source? The check that keeps every suggestion honest.

How strict, and why:
- Compared after normalisation only: Unicode NFKC, case folded, curly quotes and apostrophes
  made straight, dashes made "-", runs of whitespace made one space, and the quote's own
  surrounding quote marks and trailing punctuation dropped. Transcripts and models disagree on
  exactly these things, and none of them changes what was said.
- Everything else must match character for character, inside ONE segment: no paraphrase, no
  "..." elisions, no stitching two speakers' words together, no invented words.
- The match must start and end on word boundaries ("ill" does not match inside "will").
- A quote must be at least two words, or a whole segment: "yes" occurs in every call and
  proves nothing.
"""

from __future__ import annotations

import re
import unicodedata

from bot.context.segments import Segment, Transcript

_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2012": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
_EDGE = " \"'`.,;:!?-"
MAX_QUOTE_CHARS = 2_000


def normalize(text: str) -> str:
    """The comparison form described in the module docstring."""
    folded = unicodedata.normalize("NFKC", text).translate(_TRANSLATE).casefold()
    return " ".join(folded.split())


def _core(quote: str) -> str:
    return normalize(quote).strip(_EDGE)


def _found_at_word_boundaries(needle: str, haystack: str) -> bool:
    for match in re.finditer(re.escape(needle), haystack):
        before = haystack[match.start() - 1] if match.start() > 0 else " "
        after = haystack[match.end()] if match.end() < len(haystack) else " "
        if not before.isalnum() and not after.isalnum():
            return True
    return False


def quote_in_source(quote: str, transcript: Transcript) -> Segment | None:
    """The first segment that contains `quote` verbatim (as defined above), else None."""
    if not isinstance(quote, str) or len(quote) > MAX_QUOTE_CHARS:
        return None
    needle = _core(quote)
    if not needle:
        return None
    for segment in transcript.segments:
        haystack = normalize(segment.text)
        if len(needle.split()) < 2 and needle != haystack.strip(_EDGE):
            continue
        if _found_at_word_boundaries(needle, haystack):
            return segment
    return None
