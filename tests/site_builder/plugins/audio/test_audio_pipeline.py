"""The pipeline on plain paragraphs: decodable MP3s, exact timing maps, a cache by content."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.plugins.audio.builder import AudioBuilder
from site_builder.plugins.audio.cache import ClipCache
from site_builder.plugins.audio.engine import create_engine
from site_builder.plugins.audio.segment import segment

pytestmark = pytest.mark.integration

PARAGRAPHS = [
    "依据国办函〔2018〕71号，本市安排补贴资金4.68亿元。",
    "自2021年4月1日起施行。办理时间为工作日9:00至17:00。",
    "办理居民身份证换领，请携带本人户口簿。",
    "咨询电话12345。",
]


def _page(paragraphs: list[str]):
    return segment("".join(f"<p>{p}</p>" for p in paragraphs)).blocks


def _builder(cache_dir: Path) -> AudioBuilder:
    engine = create_engine("pyttsx3", "auto", 165)
    return AudioBuilder(engine, ClipCache(cache_dir, engine.sample_rate), workers=2,
                        progress=False)


def test_mp3_decodes_and_matches_its_timing_map(tmp_path: Path) -> None:
    import soundfile as sf

    builder = _builder(tmp_path / "cache")
    builder.add_page("services/a/", "甲", _page(PARAGRAPHS))
    builder.add_page("faqs/b/", "乙", _page(PARAGRAPHS[:1]))
    stats = builder.build(tmp_path / "audio")
    assert stats.pages == 2 and stats.synthesised == len(PARAGRAPHS)
    for name, count in (("services/a", 4), ("faqs/b", 1)):
        data, rate = sf.read(str(tmp_path / "audio" / f"{name}.mp3"))
        timing = json.loads((tmp_path / "audio" / f"{name}.json").read_text("utf-8"))
        assert data.shape[0] > 0 and rate == 22050
        assert abs(data.shape[0] / rate - timing["cues"][-1]["end"]) <= 0.050
        assert [c["id"] for c in timing["cues"]] == [f"td-p-{n}" for n in range(1, count + 1)]
        vtt = (tmp_path / "audio" / f"{name}.vtt").read_text("utf-8")
        assert all(f"\ntd-p-{n}\n" in vtt for n in range(1, count + 1))
    cue = json.loads((tmp_path / "audio/services/a.json").read_text("utf-8"))["cues"][1]
    # Two sentences, shown as written (the caption display shows the page's text).
    assert [s["text"] for s in cue["sentences"]] == ["自2021年4月1日起施行。", "办理时间为工作日9:00至17:00。"]
    assert cue["sentences"][0]["end"] == cue["sentences"][1]["start"]


def test_rebuild_synthesises_only_what_changed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _builder(cache)
    first.add_page("services/a/", "甲", _page(PARAGRAPHS))
    assert first.build(tmp_path / "1").synthesised == 4

    again = _builder(cache)
    again.add_page("services/a/", "甲", _page(PARAGRAPHS))
    stats = again.build(tmp_path / "2")
    assert (stats.synthesised, stats.cached) == (0, 4)
    assert (tmp_path / "1/services/a.mp3").read_bytes() == (tmp_path / "2/services/a.mp3").read_bytes()

    edited = list(PARAGRAPHS)
    edited[2] = "办理居民身份证换领，请携带本人户口簿和照片。"
    third = _builder(cache)
    third.add_page("services/a/", "甲", _page(edited))
    stats = third.build(tmp_path / "3")
    assert (stats.synthesised, stats.cached) == (1, 3)


def test_voice_rate_is_part_of_the_key(tmp_path: Path) -> None:
    engine = create_engine("pyttsx3", "auto", 165)
    slower = create_engine("pyttsx3", "auto", 140)
    assert engine.identity != slower.identity
    a = AudioBuilder(engine, ClipCache(tmp_path, engine.sample_rate), workers=1, progress=False)
    b = AudioBuilder(slower, ClipCache(tmp_path, engine.sample_rate), workers=1, progress=False)
    pa = a.add_page("x/", "x", _page(PARAGRAPHS[:1]))
    pb = b.add_page("x/", "x", _page(PARAGRAPHS[:1]))
    assert pa.items[0].key != pb.items[0].key
