"""Synthesise missing clips and encode pages in parallel, with a progress bar and an ETA.

Each worker process owns one engine: eSpeak NG can be initialised only once per process and
keeps global state, so workers are started with ``spawn`` (a forked copy of a process that
already initialised eSpeak would share that state). Workers write clips and encoded pages
straight into the cache and return only keys, which keeps the pipe traffic small.

Two phases share one pool: first every missing clip, then every page whose MP3 is not cached
(MP3 encoding, not synthesis, is the expensive part: eSpeak NG speaks ~1000x real time,
LAME encodes ~150x). By default the pool has two processes per core, because a pyttsx3
utterance spends most of its wall time in the driver's 10 ms polling sleep.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

import numpy as np

from .cache import Clip, ClipCache
from .engine import SpeechEngine
from .timing import concat, encode_mp3


@dataclass(frozen=True)
class Job:
    """One clip to synthesise: its cache key and normalised sentences."""

    key: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class PageJob:
    """One page MP3 to encode from cached clips."""

    page_key: str
    clip_keys: tuple[str, ...]
    gap_ms: int
    compression: float


def synthesise_clip(engine: SpeechEngine, sentences: Iterable[str]) -> Clip:
    """Speak each sentence separately and join them: sentence offsets are then exact."""
    parts: list[np.ndarray] = []
    lengths: list[int] = []
    for sentence in sentences:
        samples = engine.synthesize(sentence)
        parts.append(samples)
        lengths.append(int(samples.shape[0]))
    joined = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)
    return Clip(joined.astype(np.int16, copy=False), lengths)


_worker: dict[str, Any] = {}


def _init_worker(engine: SpeechEngine, cache: ClipCache) -> None:
    _worker["engine"] = engine
    _worker["cache"] = cache


def _run_job(job: Job) -> str:
    engine, cache = _worker["engine"], _worker["cache"]
    cache.put(job.key, synthesise_clip(engine, job.sentences), list(job.sentences))
    return job.key


def _run_page(job: PageJob) -> str:
    cache: ClipCache = _worker["cache"]
    samples = concat([cache.get(k) for k in job.clip_keys], cache.sample_rate, job.gap_ms)
    cache.put_page(job.page_key, encode_mp3(samples, cache.sample_rate, job.compression))
    return job.page_key


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _bar(total: int, desc: str, unit: str, progress: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, disable=not progress or not total,
                file=sys.stderr, dynamic_ncols=True, leave=False)


def _drain(futures: list[Future[str]], bar: Any) -> None:
    try:
        for future in as_completed(futures):
            future.result()
            bar.update(1)
    finally:
        bar.close()


def run_all(
    jobs: list[Job],
    pages: list[PageJob],
    engine: SpeechEngine,
    cache: ClipCache,
    workers: int = 0,
    progress: bool = True,
) -> int:
    """Synthesise ``jobs`` into ``cache``, then encode ``pages``.

    Args:
        jobs: Clips to make (already known to be missing).
        pages: Page MP3s to encode (already known to be missing); their clips must be in
            ``cache`` once ``jobs`` are done.
        engine: Engine to use (pickled into each worker).
        cache: Where clips and pages go.
        workers: Processes; 0 means two per core. With one worker, or too little work to
            repay starting processes, everything runs in this process.
        progress: Show one tqdm bar per phase (done, rate, ETA) on stderr; the phases cost
            very different amounts per item, so one bar would give a wrong ETA.

    Returns:
        Number of clips synthesised.
    """
    if not jobs and not pages:
        return 0
    workers = workers or 2 * default_jobs()
    # Biggest pages first, so one long page does not finish last alone.
    pages = sorted(pages, key=lambda p: -len(p.clip_keys))
    if workers == 1 or len(jobs) + 8 * len(pages) < 4 * workers:
        _init_worker(engine, cache)
        with _bar(len(jobs), "语音：合成", "段", progress) as bar:
            for job in jobs:
                _run_job(job)
                bar.update(1)
        with _bar(len(pages), "语音：编码 MP3", "页", progress) as bar:
            for page in pages:
                _run_page(page)
                bar.update(1)
        return len(jobs)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, context, _init_worker, (engine, cache)) as pool:
        _drain([pool.submit(_run_job, job) for job in jobs],
               _bar(len(jobs), "语音：合成", "段", progress))
        _drain([pool.submit(_run_page, page) for page in pages],
               _bar(len(pages), "语音：编码 MP3", "页", progress))
    return len(jobs)
