"""Join clips into one page track and describe it as WebVTT and JSON.

Offsets are computed from sample counts, so the timing map is exact for the decoded audio
(libsndfile's LAME encoder writes a gapless header in ``AVERAGE``/``VARIABLE`` bitrate modes,
which decoders use to trim the encoder delay).
"""

from __future__ import annotations

import io
import json
from dataclasses import asdict, dataclass, field

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


def join(
    clips: list[tuple[str, str, list[str], Clip]], sample_rate: int, gap_ms: int = 250
) -> tuple[np.ndarray, list[Cue]]:
    """Concatenate clips with a short silence between blocks.

    Args:
        clips: ``(block id, block text, displayed sentences, clip)`` in reading order.
        sample_rate: Samples per second.
        gap_ms: Silence after each block (not part of any cue).

    Returns:
        The page's samples and one cue per block.
    """
    gap = np.zeros(int(sample_rate * gap_ms / 1000), dtype=np.int16)
    parts: list[np.ndarray] = []
    cues: list[Cue] = []
    pos = 0
    for index, (block_id, text, sentences, clip) in enumerate(clips):
        start = pos
        sents: list[Sentence] = []
        spos = pos
        for s_text, n in zip(sentences, clip.sentence_samples):
            sents.append(Sentence(spos / sample_rate, (spos + n) / sample_rate, s_text))
            spos += n
        parts.append(clip.samples)
        pos += clip.length
        cues.append(Cue(block_id, start / sample_rate, pos / sample_rate, text, sents))
        if index < len(clips) - 1:
            parts.append(gap)
            pos += gap.shape[0]
    samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return samples, cues


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
    ms = int(round(seconds * 1000))
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
    data = {**meta, "duration": round(duration, 3), "cues": [asdict(c) for c in cues]}
    for cue in data["cues"]:
        cue["start"], cue["end"] = round(cue["start"], 3), round(cue["end"], 3)
        for s in cue["sentences"]:
            s["start"], s["end"] = round(s["start"], 3), round(s["end"], 3)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
