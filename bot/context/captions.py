"""Hand-written parsers for WebVTT, SubRip and plain `Speaker: words` transcripts.

Small on purpose: we need cue start times, speakers and text, not styling or positioning, and
a careful 200-line parser is easier to bound against hostile input than a dependency.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from bot.context.segments import (
    Collector,
    Segment,
    Transcript,
    TranscriptError,
    clock_to_seconds,
    make_segment,
)

_TIMING = re.compile(r"^\s*(\S+)\s+-->\s+(\S+)")
_VOICE = re.compile(r"<v(?:\.[\w.-]+)*\s+([^>]+)>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# A speaker label: up to five capitalised words (or "Speaker 2"), an optional "(Company)".
_NAME = r"[^\W\d_][\w.'’-]*(?:\s+(?:[^\W\d_][\w.'’-]*|\d{1,3})){0,4}(?:\s+\([^()]{1,40}\))?"
_LABEL = re.compile(rf"^(?P<name>{_NAME})\s*:\s+(?P<text>\S.*)$")
_STAMP = r"[\[(](?P<clock>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]"
_STAMPED = re.compile(rf"^{_STAMP}\s*(?P<rest>.*)$")
_LABEL_STAMP = re.compile(rf"^(?P<name>{_NAME})\s*{_STAMP}\s*:?\s*(?P<text>.*)$")
# Otter-style heading on its own line: "Hannah Lee  0:04" and the words on the next lines.
_HEADING = re.compile(rf"^(?P<name>{_NAME})\s{{2,}}(?P<clock>\d{{1,2}}:\d{{2}}(?::\d{{2}})?)$")
_PARTICLES = {"de", "da", "del", "van", "von", "der", "la", "le", "bin", "al", "dos", "du"}
_SENTENCE_END = (".", "?", "!", "…", '"', "”", ")")


def label_name(name: str) -> str | None:
    """Accept a label only if every word is capitalised (or a number or a name particle):
    keeps "Two things: first…" or "the plan: …" from being read as speakers."""
    words = name.split("(")[0].split()
    ok = all(w[0].isupper() or w.isdigit() or w.lower() in _PARTICLES for w in words)
    if not (words and ok):
        return None
    label = " ".join(name.split())
    # "GREG HOLLOWAY:" (some exporters shout) is the same person as "Greg Holloway"
    return label.title() if label.isupper() and len(label) > 3 else label


def split_label(line: str) -> tuple[str | None, str]:
    match = _LABEL.match(line)
    if match is None:
        return None, line
    name = label_name(match["name"])
    return (name, match["text"]) if name else (None, line)


@dataclass
class _Turn:
    speaker: str | None
    start: float | None
    line: int
    parts: list[str] = field(default_factory=list)


def _cue_turns(lines: list[str], *, start: float, speaker: str | None, line: int) -> list[_Turn]:
    """One cue's payload -> turns. A cue without a label keeps the previous cue's speaker
    (exports label only a turn's first cue); a labelled line inside a cue starts a new turn."""
    turns: list[_Turn] = []
    for offset, raw in enumerate(lines):
        voice = _VOICE.search(raw)
        text = html.unescape(_TAG.sub("", raw)).strip()
        dash = text.startswith("- ")  # subtitle dialogue dash: a change of speaker
        label, text = split_label(text[2:] if dash else text)
        new_speaker = voice.group(1).strip() if voice else label
        if dash or new_speaker is not None or not turns:
            # after a dash with no name the new speaker is unknown, not the previous one
            fallback = None if dash else speaker
            turns.append(_Turn(new_speaker or fallback, start, line + offset))
        if text:
            turns[-1].parts.append(text)
        speaker = turns[-1].speaker
    return turns


def _merge_unfinished(turns: list[_Turn]) -> list[_Turn]:
    """Caption tools cut sentences across cues; rejoin a cue to the previous one when the same
    speaker's sentence has not ended yet, so quotes stay whole sentences."""
    merged: list[_Turn] = []
    for turn in turns:
        if not turn.parts:
            continue
        last = merged[-1] if merged else None
        if last and last.speaker == turn.speaker and not last.parts[-1].endswith(_SENTENCE_END):
            last.parts.extend(turn.parts)
        else:
            merged.append(turn)
    return merged


def _collect(turns: list[_Turn]) -> Transcript:
    collector = Collector()
    for turn in turns:
        where = f"line {turn.line}"
        segment: Segment = make_segment(
            speaker=turn.speaker, start=turn.start, text=" ".join(turn.parts), field=where
        )
        collector.add(segment, field=where)
    return collector.finish(field="content")


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks with the 1-based number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if blocks and lines[number - 2].strip():
            blocks[-1][1].append(line)
        else:
            blocks.append((number, [line]))
    return blocks


def _cue_start(block: list[str], *, first_line: int, example: str) -> tuple[float, int] | None:
    """(start seconds, index of the timing line) or None when the block has no timing."""
    index = 0 if "-->" in block[0] else 1
    if index >= len(block) or "-->" not in block[index]:
        return None
    match = _TIMING.match(block[index])
    start = clock_to_seconds(match.group(1)) if match else None
    if start is None:
        raise TranscriptError(
            f"expected a cue timing like {example}", field=f"line {first_line + index}"
        )
    return start, index


def parse_vtt(text: str) -> Transcript:
    lines = text.splitlines()
    if not lines or not lines[0].lstrip("\ufeff").startswith("WEBVTT"):
        raise TranscriptError("a WebVTT file must start with WEBVTT", field="line 1")
    turns: list[_Turn] = []
    for first_line, block in _blocks(lines)[1:]:  # the first block is the header
        if block[0].startswith(("NOTE", "STYLE", "REGION")) and "-->" not in block[0]:
            continue  # comments and styling carry no speech
        cue = _cue_start(block, first_line=first_line, example="00:00:01.000 --> 00:00:04.000")
        if cue is None:
            raise TranscriptError("expected a cue timing line", field=f"line {first_line}")
        start, index = cue
        speaker = turns[-1].speaker if turns else None
        turns += _cue_turns(
            block[index + 1 :], start=start, speaker=speaker, line=first_line + index + 1
        )
    return _collect(_merge_unfinished(turns))


def parse_srt(text: str) -> Transcript:
    turns: list[_Turn] = []
    for first_line, block in _blocks(text.lstrip("\ufeff").splitlines()):
        cue = _cue_start(block, first_line=first_line, example="00:01:02,500 --> 00:01:04,000")
        if cue is None:
            if not turns or block[0].strip().isdigit():
                raise TranscriptError("expected a cue timing line", field=f"line {first_line}")
            turns[-1].parts.extend(b.strip() for b in block)  # a blank line inside a cue
            continue
        start, index = cue
        if index == 1 and not block[0].strip().isdigit():
            raise TranscriptError("expected a cue number", field=f"line {first_line}")
        speaker = turns[-1].speaker if turns else None
        turns += _cue_turns(
            block[index + 1 :], start=start, speaker=speaker, line=first_line + index + 1
        )
    return _collect(_merge_unfinished(turns))


def _plain_turn(line: str, number: int) -> _Turn | None:
    """A line that starts a new turn (stamp and/or speaker label), else None."""
    stripped = line.strip()
    heading = _HEADING.match(stripped)
    if heading and label_name(heading["name"]):
        return _Turn(label_name(heading["name"]), clock_to_seconds(heading["clock"]), number)
    start: float | None = None
    stamped = _STAMPED.match(stripped)
    if stamped:
        start, stripped = clock_to_seconds(stamped["clock"]), stamped["rest"]
    labelled = _LABEL_STAMP.match(stripped)
    if labelled and label_name(labelled["name"]):
        start = clock_to_seconds(labelled["clock"])
        speaker, stripped = label_name(labelled["name"]), labelled["text"].lstrip(": ")
    else:
        speaker, stripped = split_label(stripped)
    if speaker is None and stamped is None:
        return None
    turn = _Turn(speaker, start, number)
    if stripped:
        turn.parts.append(stripped)
    return turn


def parse_plain(text: str) -> Transcript:
    """`Speaker: words` lines, optional [00:12:31] / (12:31) stamps; other lines continue the
    turn above them (wrapped text), so a long answer keeps its speaker."""
    turns: list[_Turn] = []
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        if not line.strip():
            continue
        turn = _plain_turn(line, number)
        if turn is not None:
            turns.append(turn)
        elif turns:
            turns[-1].parts.append(line.strip())
        else:
            turns.append(_Turn(None, None, number, [line.strip()]))
    return _collect(turns)
