"""Joining clips gives exact offsets; the VTT and JSON describe the same map."""

from __future__ import annotations

import json

import numpy as np
import pytest

from site_builder.plugins.audio.cache import Clip
from site_builder.plugins.audio.timing import join, to_json, to_vtt

pytestmark = pytest.mark.unit


def _clip(*lengths: int) -> Clip:
    return Clip(np.ones(sum(lengths), dtype=np.int16), list(lengths))


def test_join_offsets_are_sample_exact() -> None:
    samples, cues = join(
        [("a", "甲。乙。", ["甲。", "乙。"], _clip(1000, 500)), ("b", "丙", ["丙"], _clip(2000))],
        sample_rate=1000, gap_ms=250,
    )
    assert samples.shape[0] == 1000 + 500 + 250 + 2000
    assert [(c.id, c.start, c.end) for c in cues] == [("a", 0.0, 1.5), ("b", 1.75, 3.75)]
    assert [(s.start, s.end, s.text) for s in cues[0].sentences] == [(0.0, 1.0, "甲。"), (1.0, 1.5, "乙。")]


def test_vtt_cues_carry_ids_and_json_payload() -> None:
    _, cues = join([("td-p-1", "a --> b", ["a --> b"], _clip(1500))], 1000)
    vtt = to_vtt(cues)
    lines = vtt.splitlines()
    assert lines[0].startswith("WEBVTT")
    i = lines.index("td-p-1")
    assert lines[i + 1] == "00:00:00.000 --> 00:00:01.500"
    assert "-->" not in lines[i + 2]  # the payload must not end the cue timing line
    assert json.loads(lines[i + 2])["text"] == "a --> b"
    data = json.loads(to_json(cues, 1.5, page="x/"))
    assert data["duration"] == 1.5 and data["cues"][0]["id"] == "td-p-1"
