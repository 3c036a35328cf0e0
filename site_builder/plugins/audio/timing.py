"""Join clips into one page track and describe it as WebVTT and JSON.

Offsets are computed from sample counts, so the timing map is exact for the decoded audio
(libsndfile's LAME encoder writes a gapless header in ``AVERAGE``/``VARIABLE`` bitrate modes,
which decoders use to trim the encoder delay).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from .cache import Clip


@dataclass
class Sentence:
    """A sentence's place in the page track (seconds) and its displayed text."""

    start: float
    end: float
    text: str


@dataclass
class Cue:
    """A block's place in the page track; ``id`` is the element id in the page."""

    id: str
    start: float
    end: float
    text: str
    sentences: list[Sentence] = field(default_factory=list)


def gap_samples(sample_rate: int, gap_ms: int) -> int:
    """Samples of silence between two blocks."""
    return int(sample_rate * gap_ms / 1000)


def layout(
    items: list[tuple[str, str, list[str], list[int]]], sample_rate: int, gap_ms: int = 250
) -> tuple[list[Cue], int]:
    """Place blocks on the page track from their lengths alone (no audio needed).

    Args:
        items: ``(block id, block text, displayed sentences, samples per sentence)`` in
            reading order.
        sample_rate: Samples per second.
        gap_ms: Silence after each block but the last (not part of any cue).

    Returns:
        One cue per block, and the track's length in samples.
    """
    gap = gap_samples(sample_rate, gap_ms)
    cues: list[Cue] = []
    pos = 0
    for index, (block_id, text, sentences, lengths) in enumerate(items):
        start = pos
        sents: list[Sentence] = []
        for s_text, n in zip(sentences, lengths, strict=True):
            sents.append(Sentence(pos / sample_rate, (pos + n) / sample_rate, s_text))
            pos += n
        cues.append(Cue(block_id, start / sample_rate, pos / sample_rate, text, sents))
        if index < len(items) - 1:
            pos += gap
    return cues, pos


def concat(clips: list[Clip], sample_rate: int, gap_ms: int = 250) -> np.ndarray:
    """The page track: clips in order with the same silences :func:`layout` assumes."""
    gap = np.zeros(gap_samples(sample_rate, gap_ms), dtype=np.int16)
    parts: list[np.ndarray] = []
    for index, clip in enumerate(clips):
        parts.append(clip.samples)
        if index < len(clips) - 1:
            parts.append(gap)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)


def encode_mp3(samples: np.ndarray, sample_rate: int, compression: float = 0.9) -> bytes:
    """MP3 bytes (mono, average bitrate; 0.9 gives about 27 kbit/s at 22,050 Hz)."""
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(
        buf, samples, sample_rate, format="MP3",
        compression_level=compression, bitrate_mode="AVERAGE",
    )
    return buf.getvalue()


def _stamp(seconds: float) -> str:
    # Rounded as the JSON rounds (round(x, 3)): 0.8775 s is 0.877 there, but 877.5 ms would
    # round to 878, and the last cue would end after the track's stated duration.
    ms = round(round(seconds, 3) * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def _payload(cue: Cue) -> str:
    data = {
        "text": cue.text,
        "sentences": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
            for s in cue.sentences
        ],
    }
    # One line, and no "-->" or blank line can appear in a cue payload.
    return json.dumps(data, ensure_ascii=False).replace(">", "\\u003e")


def to_vtt(cues: list[Cue]) -> str:
    """A WebVTT metadata track: cue id = block id, payload = JSON text and sentence times."""
    lines = ["WEBVTT - 通达 page reading timing map", ""]
    for cue in cues:
        lines += [cue.id, f"{_stamp(cue.start)} --> {_stamp(cue.end)}", _payload(cue), ""]
    return "\n".join(lines)


def to_json(cues: list[Cue], duration: float, **meta: object) -> str:
    """The same timing map as JSON, with ``duration`` and page metadata."""
    rounded: list[dict[str, Any]] = []
    for cue in cues:
        item = asdict(cue)
        item["start"], item["end"] = round(cue.start, 3), round(cue.end, 3)
        item["sentences"] = [
            {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
            for s in cue.sentences
        ]
        rounded.append(item)
    data = {**meta, "duration": round(duration, 3), "cues": rounded}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
