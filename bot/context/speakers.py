"""One label per person: transcripts name the same speaker in different ways.

Auto transcripts label a dial-in "Dial-in 2" until it says "it's Fiona, Fiona Gallagher", and
label a speaker "Marco" in some cues and "Marco Ruiz" in others. Every rule downstream (whose
side a speaker is on, who promised what, who the stakeholders are) counts per label, so labels
are made canonical first:
- a generic label ("Speaker 2", "Dial-in 2", "Unknown Speaker") that introduces itself with a
  full name ("I'm Dana Whitfield", "this is Dana Whitfield", "it's Fiona, Fiona Gallagher") is
  that person from then on, and before (its earlier words were theirs too);
- a first-name label ("Marco") is the one full-name label with that first name ("Marco Ruiz"),
  when exactly one exists.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from bot.context.people import NAME, clean_name
from bot.context.sentences import Sentence
from bot.context.sides import is_person_label

_FIRST = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+"
_SELF_NAMED = re.compile(
    rf"\b(?:I'm|I am|this is|it's|my name is)\s+(?:{_FIRST},?\s+)?(?P<name>{NAME})(?=[\s,.!?]|$)"
)


def canonical_speakers(sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences with each speaker label replaced by its canonical one (see above)."""
    aliases = speaker_aliases(sentences)
    if not aliases:
        return list(sentences)
    return [
        replace(s, speaker=aliases.get(s.speaker, s.speaker)) if s.speaker else s for s in sentences
    ]


def speaker_aliases(sentences: Sequence[Sentence]) -> dict[str, str]:
    labels = list(dict.fromkeys(s.speaker for s in sentences if s.speaker))
    aliases: dict[str, str] = {}
    for sentence in sentences:
        label = sentence.speaker
        if not label or is_person_label(label) or label in aliases:
            continue
        match = _SELF_NAMED.search(sentence.text)
        name = clean_name(match["name"]) if match else None
        if name and " " in name:
            aliases[label] = name
    full_names = [label for label in labels if is_person_label(label) and " " in label]
    full_names += [name for name in aliases.values() if name not in full_names]
    for label in labels:
        if not is_person_label(label) or " " in label:
            continue
        same_first = [name for name in full_names if name.split()[0] == label]
        if len(same_first) == 1:
            aliases[label] = same_first[0]
    return aliases
