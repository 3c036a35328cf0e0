"""The timing map is checked for time, not only ids and text.

For any blocks and sentences: cues start in reading order, each ends after it starts,
no cue overlaps the next (the gap between them is silence), sentences tile their cue,
and the last cue ends with the track, whose length is the clip's duration. The WebVTT
stamps and the JSON say the same times, to the millisecond.
"""

from __future__ import annotations

import json
import re
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.plugins.audio.cache import Clip
from site_builder.plugins.audio.timing import concat, gap_samples, layout, to_json, to_vtt

pytestmark = pytest.mark.unit
STAMP = re.compile(r"^(\d{2}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2}):(\d{2}):(\d{2})\.(\d{3})$")

# A spoken sentence lasts at least tens of milliseconds: 1,000 samples is 42 to 63 ms.
blocks = st.lists(st.lists(st.integers(1_000, 400_000), min_size=1, max_size=4), min_size=1,
                  max_size=6)


def _items(lengths: list[list[int]]) -> list[tuple[str, str, list[str], list[int]]]:
    return [(f"td-p-{b}", "。".join(f"句{b}-{s}" for s in range(len(ns))),
             [f"句{b}-{s}。" for s in range(len(ns))], ns) for b, ns in enumerate(lengths)]


def _vtt_times(vtt: str) -> list[tuple[float, float]]:
    out = []
    for line in vtt.splitlines():
        if (m := STAMP.match(line)) is not None:
            h1, m1, s1, ms1, h2, m2, s2, ms2 = (int(g) for g in m.groups())
            out.append(((h1 * 3600 + m1 * 60 + s1) * 1000 + ms1, (h2 * 3600 + m2 * 60 + s2) * 1000 + ms2))
    return [(a / 1000, b / 1000) for a, b in out]


@settings(max_examples=150, deadline=None)
@given(lengths=blocks, rate=st.sampled_from([16_000, 22_050, 24_000]),
       gap_ms=st.integers(0, 1000))
def test_cues_are_in_order_apart_and_within_the_track(
        lengths: list[list[int]], rate: int, gap_ms: int) -> None:
    cues, total = layout(_items(lengths), rate, gap_ms)
    duration = total / rate
    gap = gap_samples(rate, gap_ms) / rate
    assert [c.id for c in cues] == [f"td-p-{b}" for b in range(len(lengths))]
    for cue, ns in zip(cues, lengths, strict=True):
        assert cue.end > cue.start >= 0
        assert cue.end - cue.start == pytest.approx(sum(ns) / rate)
        assert cue.sentences[0].start == cue.start and cue.sentences[-1].end == cue.end
        for before, after in pairwise(cue.sentences):
            assert before.end == after.start  # sentences tile their cue
        assert all(s.end > s.start for s in cue.sentences)
    for previous, following in pairwise(cues):
        assert following.start == pytest.approx(previous.end + gap)  # apart by the silence only
        assert following.start >= previous.end
    assert cues[0].start == 0 and cues[-1].end == duration  # no trailing silence


@settings(max_examples=60, deadline=None)
@given(lengths=blocks, gap_ms=st.integers(0, 1000))
def test_the_track_is_as_long_as_the_map_says(lengths: list[list[int]], gap_ms: int) -> None:
    rate = 16_000
    clips = [Clip(np.ones(sum(ns), dtype=np.int16), ns) for ns in lengths]
    cues, total = layout(_items(lengths), rate, gap_ms)
    samples = concat(clips, rate, gap_ms)
    assert samples.shape[0] == total
    for cue in cues:  # each cue is sound from start to end, silence before the next
        first, last = round(cue.start * rate), round(cue.end * rate)
        assert samples[first] == 1 and samples[last - 1] == 1
        if last < total and gap_ms >= 1:
            assert samples[last] == 0


@settings(max_examples=150, deadline=None)
@given(lengths=blocks, rate=st.sampled_from([16_000, 22_050, 24_000]),
       gap_ms=st.integers(0, 1000))
def test_vtt_and_json_give_the_same_times(lengths: list[list[int]], rate: int,
                                          gap_ms: int) -> None:
    cues, total = layout(_items(lengths), rate, gap_ms)
    stamps = _vtt_times(to_vtt(cues))
    data = json.loads(to_json(cues, total / rate, page="x/"))
    listed = [(c["start"], c["end"]) for c in data["cues"]]
    assert stamps == listed and len(listed) == len(cues)
    for (vs, ve), (js, je), cue in zip(stamps, listed, cues, strict=True):
        for shown in (vs, js):
            assert abs(shown - cue.start) <= 0.0005 + 1e-9
        for shown in (ve, je):
            assert abs(shown - cue.end) <= 0.0005 + 1e-9
        assert ve > vs and je > js
    for (_, end), (start, _) in pairwise(stamps):
        assert start >= end  # no overlap once rounded to milliseconds
    assert stamps[-1][1] <= data["duration"] and listed[-1][1] <= data["duration"]
