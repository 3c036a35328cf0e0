"""The timing files as the player and an editor read them, and the MP3 a citizen downloads.

The player highlights each sentence from the times in the WebVTT cue payload (or the JSON
map): every field is checked to the millisecond, on exact files. The page track is int16 with
the silences ``layout`` assumed, and the MP3 decodes to exactly as many samples (a gapless
header), or every highlight would drift by the encoder delay.
"""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.plugins.audio.cache import Clip
from site_builder.plugins.audio.timing import (
    Cue,
    concat,
    encode_mp3,
    layout,
    to_json,
    to_vtt,
)

pytestmark = pytest.mark.unit

# 3,000 samples a second: a 1,000-sample sentence lasts 0.3333… s, shown as 0.333.
ITEMS = [("td-p-1", "第一条。为了<规范>管理。", ["第一条。", "为了<规范>管理。"], [1000, 2000]),
         ("td-p-2", "第二条。", ["第二条。"], [500])]


def test_vtt_file_is_exactly_what_the_player_parses() -> None:
    cues, total = layout(ITEMS, 3000, 250)
    assert total == 1000 + 2000 + 750 + 500
    assert to_vtt(cues) == (
        "WEBVTT - 通达 page reading timing map\n"
        "\n"
        "td-p-1\n"
        "00:00:00.000 --> 00:00:01.000\n"
        '{"text": "第一条。为了<规范\\u003e管理。", "sentences": ['
        '{"start": 0.0, "end": 0.333, "text": "第一条。"}, '
        '{"start": 0.333, "end": 1.0, "text": "为了<规范\\u003e管理。"}]}\n'
        "\n"
        "td-p-2\n"
        "00:00:01.250 --> 00:00:01.417\n"
        '{"text": "第二条。", "sentences": [{"start": 1.25, "end": 1.417, "text": "第二条。"}]}\n'
    )


def test_json_map_is_exact_compact_and_readable() -> None:
    cues, total = layout(ITEMS, 3000, 250)
    assert to_json(cues, total / 3000, page="policies/a/", lang="zh") == (
        '{"page":"policies/a/","lang":"zh","duration":1.417,"cues":['
        '{"id":"td-p-1","start":0.0,"end":1.0,"text":"第一条。为了<规范>管理。","sentences":['
        '{"start":0.0,"end":0.333,"text":"第一条。"},'
        '{"start":0.333,"end":1.0,"text":"为了<规范>管理。"}]},'
        '{"id":"td-p-2","start":1.25,"end":1.417,"text":"第二条。","sentences":['
        '{"start":1.25,"end":1.417,"text":"第二条。"}]}]}'
    )


def test_stamps_past_an_hour_and_on_minute_edges() -> None:
    # A long regulation read in full runs past an hour.
    cues = [Cue("a", 59.9995, 60.0, "", []), Cue("b", 3599.999, 3600.0, "", []),
            Cue("c", 3661.5, 36000.001, "", [])]
    stamps = [line for line in to_vtt(cues).splitlines() if "-->" in line]
    assert stamps == ["00:00:59.999 --> 00:01:00.000",
                      "00:59:59.999 --> 01:00:00.000",
                      "01:01:01.500 --> 10:00:00.001"]


def test_default_silence_is_the_same_quarter_second_for_map_and_track() -> None:
    clips = [Clip(np.ones(1000, dtype=np.int16), [1000]),
             Clip(np.ones(500, dtype=np.int16), [500])]
    cues, total = layout([("a", "甲", ["甲"], [1000]), ("b", "乙", ["乙"], [500])], 1000)
    track = concat(clips, 1000)
    assert [(c.start, c.end) for c in cues] == [(0.0, 1.0), (1.25, 1.75)]
    assert total == 1750 and track.shape == (1750,)
    assert track[1000:1250].tolist() == [0] * 250 and track[1250] == 1


def test_track_stays_int16_so_the_encoder_does_not_clip() -> None:
    loud = Clip(np.full(300, 12_000, dtype=np.int16), [300])
    track = concat([loud, loud, loud], 1000, 100)
    assert track.dtype == np.int16 and track.shape == (1100,)
    assert track.max() == 12_000
    assert concat([loud], 1000, 100).tolist() == [12_000] * 300  # no trailing silence


def test_a_page_without_clips_is_an_empty_int16_track() -> None:
    empty = concat([], 22_050)
    assert empty.dtype == np.int16 and empty.shape == (0,)
    assert layout([], 22_050) == ([], 0)


def test_a_sentence_without_a_length_is_an_error_not_a_lost_highlight() -> None:
    with pytest.raises(ValueError, match="zip"):
        layout([("a", "甲。乙。", ["甲。", "乙。"], [1000])], 1000)
    with pytest.raises(ValueError, match="zip"):
        layout([("a", "甲。", ["甲。"], [1000, 500])], 1000)


def _signal(kind: str, rate: int, seconds: float) -> np.ndarray:
    n = int(rate * seconds)
    t = np.arange(n) / rate
    if kind == "noise":
        return np.random.default_rng(1).normal(0, 3000, n).astype(np.int16)
    voice = (np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 900 * t)
             + 0.3 * np.sin(2 * np.pi * 2500 * t)) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (voice * 6000).astype(np.int16)


def test_mp3_decodes_to_exactly_the_track_so_highlights_do_not_drift() -> None:
    samples = _signal("voice", 22_050, 2.0)
    data = encode_mp3(samples, 22_050)
    assert data[:2] == b"\xff\xf3"  # an MPEG-2 layer III frame, no container
    decoded, rate = sf.read(io.BytesIO(data), dtype="int16")
    assert rate == 22_050 and decoded.ndim == 1  # mono
    assert decoded.shape == samples.shape  # the encoder delay is trimmed
    assert np.corrcoef(decoded.astype(float), samples.astype(float))[0, 1] > 0.9


def test_mp3_bitrate_is_an_average_whatever_the_content() -> None:
    # About 24 kbit/s for speech and noise alike (a variable bitrate would give 16 and 28,
    # the encoder's own default 25 and 45).
    kbits = {kind: len(encode_mp3(_signal(kind, 22_050, 2.0), 22_050)) * 8 / 2.0 / 1000
             for kind in ("voice", "noise")}
    assert all(19 < rate < 30 for rate in kbits.values()), kbits
    assert abs(kbits["voice"] - kbits["noise"]) < 0.15 * max(kbits.values()), kbits
    # Less compression, more bits (the option reaches the encoder).
    assert len(encode_mp3(_signal("voice", 22_050, 2.0), 22_050, 0.0)) * 8 / 2.0 / 1000 > 30


sentence_lengths = st.lists(st.lists(st.integers(1_000, 200_000), min_size=1, max_size=4),
                            min_size=1, max_size=5)


@settings(max_examples=50, deadline=None)
@given(lengths=sentence_lengths, rate=st.sampled_from([16_000, 22_050, 24_000]),
       gap_ms=st.integers(0, 800))
def test_vtt_payload_and_json_give_every_sentence_the_same_times(
        lengths: list[list[int]], rate: int, gap_ms: int) -> None:
    items = [(f"b{b}", f"块{b}", [f"句{b}-{s}>" for s in range(len(ns))], ns)
             for b, ns in enumerate(lengths)]
    cues, total = layout(items, rate, gap_ms)
    lines = to_vtt(cues).split("\n")
    payloads = [json.loads(lines[lines.index(cue.id) + 2]) for cue in cues]
    mapped = json.loads(to_json(cues, total / rate))["cues"]
    for cue, payload, item in zip(cues, payloads, mapped, strict=True):
        assert payload["text"] == item["text"] == cue.text
        assert payload["sentences"] == item["sentences"]
        assert [s["text"] for s in item["sentences"]] == [s.text for s in cue.sentences]
        for shown, exact in zip(item["sentences"], cue.sentences, strict=True):
            assert abs(shown["start"] - exact.start) <= 0.0005 + 1e-9
            assert abs(shown["end"] - exact.end) <= 0.0005 + 1e-9
            assert item["start"] <= shown["start"] < shown["end"] <= item["end"]
    # Sentence times only ever move forward across the page.
    starts = [s["start"] for item in mapped for s in item["sentences"]]
    assert starts == sorted(starts)

