"""Every transcript format, and malformed input rejected with the field named."""

from __future__ import annotations

import json

import pytest

from bot.context.api import parse_submission
from bot.context.segments import MAX_SEGMENTS, Segment, TranscriptError
from bot.context.transcripts import detect_format, parse_transcript, transcript_from_segments

VTT = """WEBVTT
Kind: captions

STYLE
::cue { color: white; }

NOTE this block is a comment
and spans two lines

1
00:00:01.000 --> 00:00:04.000 align:start
<v Dana Lee>Hi, I'm Dana &amp; I run
finance ops.</v>

00:00:05.500 --> 00:00:07.000
<v.loud Sam Ortega>We'll have SSO live by January 15.</v>

2
01:02:03.250 --> 01:02:05.000
Raj Mehta: Thanks. That works
for us.
"""


def test_vtt_voice_tags_prefixes_notes_and_multiline_cues() -> None:
    t = parse_transcript(VTT, filename="call.vtt")
    assert t.segments == (
        Segment("Dana Lee", 1.0, "Hi, I'm Dana & I run finance ops."),
        Segment("Sam Ortega", 5.5, "We'll have SSO live by January 15."),
        Segment("Raj Mehta", 3723.25, "Thanks. That works for us."),
    )


def test_vtt_cue_split_mid_sentence_is_rejoined_and_unlabelled_cue_keeps_speaker() -> None:
    text = (
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nAnna Bell: We will send the\n\n"
        "00:00:02.000 --> 00:00:03.000\nAnna Bell: plan on Friday.\n\n"
        "00:00:04.000 --> 00:00:05.000\nAnd the deck too.\n"
    )
    t = parse_transcript(text)
    assert [s.text for s in t.segments] == ["We will send the plan on Friday.", "And the deck too."]
    assert [s.speaker for s in t.segments] == ["Anna Bell", "Anna Bell"]
    assert t.segments[1].start == 4.0


def test_srt_indexes_comma_millis_and_tags() -> None:
    srt = (
        "1\n00:01:02,500 --> 00:01:04,000\n<i>Jordan Blake:</i> Can you see my screen?\n\n"
        "2\n00:01:04,200 --> 00:01:06,000\nHANNAH LEE: Yep.\n- And Owen too.\n"
    )
    t = parse_transcript(srt.encode(), filename="demo.SRT")
    assert t.segments[0] == Segment("Jordan Blake", 62.5, "Can you see my screen?")
    assert t.segments[1] == Segment("Hannah Lee", 64.2, "Yep.")
    assert t.segments[2] == Segment(None, 64.2, "And Owen too.")


def test_plain_text_stamps_labels_and_continuation_lines() -> None:
    text = (
        "[00:12:31] Ben Adler: We ship about 2,500 orders a day\n"
        "out of three DCs.\n"
        "(12:40) Gabe Lindqvist: Right.\n"
        "Nora Sato [00:13:02]: From the IT side, fine.\n"
        "Two things: first, the budget.\n"
        "Hannah Lee  14:05\n"
        "Otter style heading above.\n"
    )
    t = parse_transcript(text, filename="notes.txt")
    assert t.segments == (
        Segment("Ben Adler", 751.0, "We ship about 2,500 orders a day out of three DCs."),
        Segment("Gabe Lindqvist", 760.0, "Right."),
        Segment("Nora Sato", 782.0, "From the IT side, fine. Two things: first, the budget."),
        Segment("Hannah Lee", 845.0, "Otter style heading above."),
    )


def test_json_list_and_segments_object_with_clock_or_seconds_starts() -> None:
    listed = [{"speaker": "A B", "start": "00:01:02", "text": "Hello there."}]
    wrapped = {"segments": [{"speaker": None, "start": 3, "text": "Hi.", "end": 4}]}
    assert parse_transcript(json.dumps(listed)).segments == (Segment("A B", 62.0, "Hello there."),)
    assert parse_transcript(json.dumps(wrapped), filename="x.json").segments == (
        Segment(None, 3.0, "Hi."),
    )


def test_detection_by_extension_then_content() -> None:
    assert detect_format("anything", filename="call.VTT") == "vtt"
    assert detect_format("WEBVTT\n\n") == "vtt"
    assert detect_format('[{"text": "x"}]') == "json"
    assert detect_format("1\n00:00:01,000 --> 00:00:02,000\nhi\n") == "srt"
    assert detect_format("[00:00:01] Ann: hi") == "plain"


@pytest.mark.parametrize(
    ("segments", "field"),
    [
        ("not a list", "segments"),
        ([{"text": "ok"}, 5], "segments[1]"),
        ([{"text": "ok"}, {"text": "ok"}, {"text": "ok"}, {"text": "  "}], "segments[3].text"),
        ([{"text": 7}], "segments[0].text"),
        ([{"text": "ok", "speaker": 3}], "segments[0].speaker"),
        ([{"text": "ok", "start": "soon"}], "segments[0].start"),
        ([{"text": "ok", "start": -1}], "segments[0].start"),
        ([{"text": "ok", "start": True}], "segments[0].start"),
        ([{"text": "ok", "start": float("nan")}], "segments[0].start"),
        ([{"text": "bad\x00byte"}], "segments[0].text"),
        ([], "segments"),
    ],
)
def test_bad_segments_name_the_field(segments: object, field: str) -> None:
    with pytest.raises(TranscriptError) as caught:
        transcript_from_segments(segments)
    assert caught.value.field == field
    assert str(caught.value).startswith(field + ":")


def test_empty_text_message_reads_like_the_issue() -> None:
    bad = [{"text": "a"}, {"text": "b"}, {"text": "c"}, {"text": ""}]
    with pytest.raises(TranscriptError, match=r"^segments\[3\]\.text: must be a non-empty string$"):
        transcript_from_segments(bad)


@pytest.mark.parametrize(
    ("content", "filename", "field"),
    [
        ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nhi\n", "x.vtt", "line 3"),
        ("WEBVTT\n\n00:00:xx.000 --> 00:00:02.000\nhi\n", "x.vtt", "line 3"),
        ("no header\n\n00:00:01.000 --> 00:00:02.000\nhi\n", "x.vtt", "line 1"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n\n2\nnot a timing\n", "x.srt", "line 5"),
        ('{"segments": [', "x.json", "content"),
        ('{"items": []}', "x.json", "segments"),
        ("Ann: hi\x00", "x.txt", "content"),
        (b"\xff\xfe\xfa", "x.txt", "content"),
        ("   \n\n", "x.txt", "content"),
    ],
)
def test_malformed_files_name_the_line_or_field(
    content: str | bytes, filename: str, field: str
) -> None:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript(content, filename=filename)
    assert caught.value.field == field


def test_unknown_format_is_refused() -> None:
    with pytest.raises(TranscriptError) as caught:
        parse_transcript("Ann: hi", format="docx")
    assert caught.value.field == "format"


def test_limits_stop_hostile_input() -> None:
    too_many = [{"text": "x"}] * (MAX_SEGMENTS + 1)
    with pytest.raises(TranscriptError, match="more than"):
        transcript_from_segments(too_many)
    lines = "\n".join(f"[00:00:01] A: {i}" for i in range(MAX_SEGMENTS + 1))
    with pytest.raises(TranscriptError, match="more than"):
        parse_transcript(lines)
    with pytest.raises(TranscriptError, match="longer than"):
        parse_transcript("A: " + "x" * 5_000_001)
    with pytest.raises(TranscriptError, match="longer than"):
        transcript_from_segments([{"text": "x" * 50_001}])


def test_api_body_with_segments_or_transcript() -> None:
    body = {
        "id": "t1",
        "deal_id": "D-9",
        "title": "Discovery",
        "occurred_at": "2026-11-10T15:00:00Z",
        "url": "https://app.gong.io/call?id=1",
        "segments": [{"speaker": "Ann", "start": 1, "text": "We need SSO."}],
    }
    got = parse_submission(body)
    assert (got.id, got.deal_id, got.source.title) == ("t1", "D-9", "Discovery")
    assert got.source.occurred_at is not None and got.source.occurred_at.isoformat() == "2026-11-10"
    assert got.transcript.segments[0].text == "We need SSO."
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nA: hi"
    text_body = {**body, "segments": None, "transcript": vtt}
    assert parse_submission(text_body).transcript.segments[0].speaker == "A"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": ""}, "id"),
        ({"deal_id": None}, "deal_id"),
        ({"occurred_at": "last Tuesday"}, "occurred_at"),
        ({"url": "javascript:alert(1)"}, "url"),
        ({"transcript": "A: hi"}, "transcript"),  # both transcript and segments
        ({"segments": None}, "transcript"),  # neither
        ({"segments": [{"text": 1}]}, "segments[0].text"),
        ({"segments": None, "transcript": "WEBVTT\n\nno cue"}, "transcript"),  # names the line
    ],
)
def test_api_body_errors_name_the_field(change: dict[str, object], field: str) -> None:
    body = {"id": "t1", "deal_id": "D", "segments": [{"text": "hi"}], **change}
    with pytest.raises(TranscriptError) as caught:
        parse_submission(body)
    assert caught.value.field == field
