"""The audio pipeline without MkDocs: collect pages, synthesise what is missing, write files.

Collect, then write: :meth:`AudioBuilder.add_page` only records what a page will say;
:meth:`AudioBuilder.build` synthesises every missing clip of the whole site in one parallel
batch and then writes ``audio/<page>.mp3``, ``.vtt`` and ``.json`` for every page.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from .cache import ClipCache, clip_key
from .engine import SpeechEngine
from .normalise import normalise, split_sentences
from .segment import Block
from .synth import Job, PageJob, run_all
from .timing import layout, to_json, to_vtt

log = logging.getLogger("mkdocs.plugins.tongda.audio")


@dataclass
class AudioStats:
    """What one build did; the build report shows these figures (``synthesised`` and
    ``cached`` count distinct clips; the others add up every page with audio)."""

    synthesised: int = 0
    cached: int = 0
    pages: int = 0
    bytes: int = 0
    seconds: float = 0.0
    characters: int = 0
    elapsed: float = 0.0

    def line(self) -> str:
        """The line printed at the end of the build."""
        return f"语音：{self.pages} 个页面，新合成 {self.synthesised} 段，沿用缓存 {self.cached} 段"

    def site_figures(self) -> dict[str, float | int]:
        """What the site holds (the same for any build of the same content; no timings)."""
        return {"pages": self.pages, "bytes": self.bytes, "seconds": round(self.seconds, 3),
                "characters": self.characters}


@dataclass
class PageAudio:
    """A page's audio as written: what a reused page brings back without its blocks."""

    name: str
    url: str
    clips: list[str]
    """Its clips' keys, shortened (distinct clips are counted across pages)."""
    characters: int
    bytes: int = 0
    seconds: float = 0.0

    @classmethod
    def from_data(cls, data: object) -> PageAudio | None:
        """Read what :func:`dataclasses.asdict` kept; None when it is not such a record."""
        try:
            return cls(**data)  # type: ignore[arg-type]
        except TypeError:
            return None


@dataclass
class _Item:
    block: Block
    sentences: list[str]
    spoken: list[str]
    key: str


@dataclass
class PagePlan:
    """What one page will say, in reading order."""

    name: str
    url: str
    title: str
    items: list[_Item] = field(default_factory=list)


def page_audio_name(url: str) -> str:
    """``services/id-card/`` → ``services/id-card``; the home page is ``index``."""
    name = url.strip("/")
    name = name.removesuffix(".html")
    return name or "index"


class AudioBuilder:
    """Turns page blocks into MP3 + timing maps.

    Args:
        engine: Speech engine (its identity is part of every cache key).
        cache: Clip cache.
        workers: Synthesis processes (0: one per core).
        gap_ms: Silence between blocks.
        compression: MP3 compression level for soundfile (0–0.99; higher is smaller).
        progress: Show a progress bar while synthesising.
    """

    def __init__(
        self,
        engine: SpeechEngine,
        cache: ClipCache,
        workers: int = 0,
        gap_ms: int = 250,
        compression: float = 0.9,
        progress: bool = True,
    ) -> None:
        self.engine = engine
        self.cache = cache
        self.workers = workers
        self.gap_ms = gap_ms
        self.compression = compression
        self.progress = progress
        self.pages: dict[str, PagePlan] = {}
        self.carried: dict[str, PageAudio] = {}
        """Pages whose files the previous build made and page reuse links (no blocks)."""
        self.written: dict[str, PageAudio] = {}
        """Every page's audio after :meth:`build`, carried ones included."""
        self._identity: str | None = None

    @property
    def identity(self) -> str:
        """Engine identity, computed once (it loads the engine library)."""
        if self._identity is None:
            self._identity = self.engine.identity
        return self._identity

    def add_page(self, url: str, title: str, blocks: list[Block]) -> PagePlan:
        """Record the blocks a page reads aloud; returns the plan (its ``name`` names files)."""
        plan = PagePlan(page_audio_name(url), url, title)
        for block in blocks:
            sentences = split_sentences(block.text) or [block.text]
            spoken = [normalise(s) for s in sentences]
            keep = [(s, n) for s, n in zip(sentences, spoken, strict=True) if n.strip()]
            if not keep:
                continue
            sentences, spoken = [s for s, _ in keep], [n for _, n in keep]
            plan.items.append(_Item(block, sentences, spoken, clip_key(self.identity, spoken)))
        if plan.items:
            self.pages[plan.name] = plan
        else:
            self.pages.pop(plan.name, None)
        return plan

    def carry(self, page: PageAudio) -> None:
        """Count a page whose audio files are reused from the previous build."""
        self.pages.pop(page.name, None)
        self.carried[page.name] = page

    def reset(self) -> None:
        """Forget recorded pages (``mkdocs serve`` rebuilds)."""
        self.pages.clear()
        self.carried.clear()
        self.written.clear()

    def _page_key(self, plan: PagePlan) -> str:
        parts = [self.identity, str(self.gap_ms), str(self.compression)]
        return hashlib.sha256("|".join(parts + [it.key for it in plan.items]).encode()).hexdigest()

    def build(self, out_dir: Path) -> AudioStats:
        """Synthesise missing clips, encode changed pages, write every page's files."""
        started = time.perf_counter()
        stats = AudioStats()
        needed: dict[str, tuple[str, ...]] = {}
        for plan in self.pages.values():
            for item in plan.items:
                needed.setdefault(item.key, tuple(item.spoken))
        missing = [Job(k, s) for k, s in needed.items() if not self.cache.has(k)]
        page_keys = {name: self._page_key(plan) for name, plan in self.pages.items()}
        encode = [
            PageJob(page_keys[name], tuple(it.key for it in plan.items), self.gap_ms,
                    self.compression)
            for name, plan in self.pages.items()
            if not self.cache.page_path(page_keys[name]).exists()
        ]
        stats.synthesised = run_all(
            missing, encode, self.engine, self.cache, self.workers, self.progress
        )
        self.written = dict(self.carried)
        for name, plan in self.pages.items():
            size, seconds = self._write_page(plan, page_keys[name], out_dir)
            self.written[name] = PageAudio(
                name, plan.url, [it.key[:16] for it in plan.items],
                sum(len(s) for it in plan.items for s in it.spoken), size, seconds)
        # Totals in name order: the same sums whether a page was written or carried.
        clips = {k for page in self.written.values() for k in page.clips}
        stats.cached = len(clips) - len(missing)
        for name in sorted(self.written):
            page = self.written[name]
            stats.pages += 1
            stats.bytes += page.bytes
            stats.seconds += page.seconds
            stats.characters += page.characters
        stats.elapsed = time.perf_counter() - started
        return stats

    def _write_page(self, plan: PagePlan, page_key: str, out_dir: Path) -> tuple[int, float]:
        rate = self.cache.sample_rate
        items = [
            (it.block.id, it.block.text, it.sentences, self.cache.lengths(it.key))
            for it in plan.items
        ]
        cues, total = layout(items, rate, self.gap_ms)
        mp3 = self.cache.page_path(page_key).read_bytes()
        base = out_dir / plan.name
        base.parent.mkdir(parents=True, exist_ok=True)
        base.with_suffix(".mp3").write_bytes(mp3)
        duration = total / rate
        base.with_suffix(".vtt").write_text(to_vtt(cues), "utf-8")
        meta = {"page": plan.url, "title": plan.title, "audio": Path(plan.name).name + ".mp3",
                "engine": self.identity, "sample_rate": rate}
        base.with_suffix(".json").write_text(to_json(cues, duration, **meta), "utf-8")
        return len(mp3), duration
