"""Content-addressed cache of synthesised clips and encoded pages.

A clip's key is the SHA-256 of the engine identity (name, version, voice, rate) and the
normalised sentences it speaks, so unchanged text is never synthesised twice and a changed
voice or engine invalidates everything. Clips are stored losslessly as FLAC with a small JSON
sidecar (sentence lengths in samples); encoded page MP3s are cached by the keys of their
clips, so an unchanged page is not re-encoded either. Writes are atomic (temp file +
``os.replace``) because several worker processes, or CI jobs sharing the directory, may
write the same key at once.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search_index.store import write_atomic

CLIP_FORMAT = "FLAC"
SENTENCE_JOIN = "\u241e"  # record separator: cannot occur in page text


@dataclass
class Clip:
    """Audio for one block: int16 samples and the length of each sentence in samples."""

    samples: np.ndarray
    sentence_samples: list[int]

    @property
    def length(self) -> int:
        """Number of samples."""
        return int(self.samples.shape[0])


def clip_key(identity: str, sentences: list[str]) -> str:
    """Cache key for a block spoken as ``sentences`` by the engine ``identity``."""
    payload = identity + "\0" + SENTENCE_JOIN.join(sentences)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)


class ClipCache:
    """Directory of clips (``clips/ab/abcd….flac`` + ``.json``) and pages (``pages/….mp3``).

    Args:
        root: Cache directory; created on first write. Keep it between CI runs.
        sample_rate: Sample rate of stored clips.
    """

    def __init__(self, root: Path, sample_rate: int) -> None:
        self.root = Path(root)
        self.sample_rate = sample_rate

    def _clip_path(self, key: str) -> Path:
        return self.root / "clips" / key[:2] / f"{key}.flac"

    def has(self, key: str) -> bool:
        """True if the clip and its sidecar are both stored."""
        path = self._clip_path(key)
        return path.exists() and path.with_suffix(".json").exists()

    def get(self, key: str) -> Clip:
        """Load a stored clip.

        Raises:
            KeyError: If the clip is not cached.
        """
        import soundfile as sf

        path = self._clip_path(key)
        if not self.has(key):
            raise KeyError(key)
        samples, _ = sf.read(str(path), dtype="int16")
        meta = json.loads(path.with_suffix(".json").read_text("utf-8"))
        return Clip(np.asarray(samples, dtype=np.int16).reshape(-1), list(meta["sentence_samples"]))

    def lengths(self, key: str) -> list[int]:
        """Samples per sentence of a stored clip, from its sidecar (no audio decoding)."""
        sidecar = self._clip_path(key).with_suffix(".json")
        return list(json.loads(sidecar.read_text("utf-8"))["sentence_samples"])

    def put(self, key: str, clip: Clip, sentences: list[str]) -> None:
        """Store a clip; the sidecar is written last so :meth:`has` never sees half a clip.

        Raises:
            ValueError: For a clip with an empty sentence (never cache a failed synthesis).
        """
        if not clip.sentence_samples or min(clip.sentence_samples) <= 0:
            raise ValueError(f"refusing to cache an empty clip for {sentences!r}")
        import io

        import soundfile as sf

        buf = io.BytesIO()
        sf.write(buf, clip.samples, self.sample_rate, format=CLIP_FORMAT, subtype="PCM_16")
        path = self._clip_path(key)
        _atomic_write(path, buf.getvalue())
        meta = {"sentences": sentences, "sentence_samples": clip.sentence_samples}
        _atomic_write(path.with_suffix(".json"), json.dumps(meta, ensure_ascii=False).encode())

    def page_path(self, page_key: str) -> Path:
        """Where the encoded MP3 for a page with this key is kept."""
        return self.root / "pages" / page_key[:2] / f"{page_key}.mp3"

    def put_page(self, page_key: str, data: bytes) -> None:
        """Keep an encoded page MP3."""
        _atomic_write(self.page_path(page_key), data)
