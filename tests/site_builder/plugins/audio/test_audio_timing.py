"""Joining clips gives exact offsets; the VTT and JSON describe the same map."""

from __future__ import annotations

import json

import numpy as np
import pytest

from site_builder.plugins.audio.cache import Clip
from site_builder.plugins.audio.timing import concat, layout, to_json, to_vtt

pytestmark = pytest.mark.unit


def _clip(*lengths: int) -> Clip:
    return Clip(np.ones(sum(lengths), dtype=np.int16), list(lengths))


def test_join_offsets_are_sample_exact() -> None:
    clips = [_clip(1000, 500), _clip(2000)]
    cues, total = layout(
        [("a", "甲。乙。", ["甲。", "乙。"], [1000, 500]), ("b", "丙", ["丙"], [2000])],
        sample_rate=1000, gap_ms=250,
    )
    samples = concat(clips, 1000, 250)
    assert samples.shape[0] == total == 1000 + 500 + 250 + 2000
    assert samples[1500:1750].max() == 0 and samples[1750] == 1  # the gap is silence
    assert [(c.id, c.start, c.end) for c in cues] == [("a", 0.0, 1.5), ("b", 1.75, 3.75)]
    assert [(s.start, s.end, s.text) for s in cues[0].sentences] == [(0.0, 1.0, "甲。"), (1.0, 1.5, "乙。")]


def test_vtt_cues_carry_ids_and_json_payload() -> None:
    cues, _ = layout([("td-p-1", "a --> b", ["a --> b"], [1500])], 1000)
    vtt = to_vtt(cues)
    lines = vtt.splitlines()
    assert lines[0].startswith("WEBVTT")
    i = lines.index("td-p-1")
    assert lines[i + 1] == "00:00:00.000 --> 00:00:01.500"
    assert "-->" not in lines[i + 2]  # the payload must not end the cue timing line
    assert json.loads(lines[i + 2])["text"] == "a --> b"
    data = json.loads(to_json(cues, 1.5, page="x/"))
    assert data["duration"] == 1.5 and data["cues"][0]["id"] == "td-p-1"
