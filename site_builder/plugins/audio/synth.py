"""Synthesise missing clips in parallel, with a progress bar and an ETA.

Each worker process owns one engine: eSpeak NG can be initialised only once per process and
keeps global state, so workers are started with ``spawn`` (a forked copy of a process that
already initialised eSpeak would share that state). Workers write clips straight into the
cache and return only their key, which keeps the pipe traffic small.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

import numpy as np

from .cache import Clip, ClipCache
from .engine import SpeechEngine


@dataclass(frozen=True)
class Job:
    """One clip to synthesise: its cache key and normalised sentences."""

    key: str
    sentences: tuple[str, ...]


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


_worker: dict[str, object] = {}


def _init_worker(engine: SpeechEngine, cache: ClipCache) -> None:
    _worker["engine"] = engine
    _worker["cache"] = cache


def _run_job(job: Job) -> str:
    engine = _worker["engine"]
    cache = _worker["cache"]
    assert isinstance(engine, SpeechEngine) and isinstance(cache, ClipCache)
    cache.put(job.key, synthesise_clip(engine, job.sentences), list(job.sentences))
    return job.key


def default_jobs() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def synthesise_all(
    jobs: list[Job],
    engine: SpeechEngine,
    cache: ClipCache,
    workers: int = 0,
    progress: bool = True,
) -> int:
    """Synthesise ``jobs`` into ``cache``.

    Args:
        jobs: Clips to make (already known to be missing).
        engine: Engine to use (pickled into each worker).
        cache: Where clips go.
        workers: Processes; 0 means one per core. With one worker, or fewer jobs than
            would repay starting processes, synthesis runs in this process.
        progress: Show a tqdm bar (clips done, rate, ETA) on stderr.

    Returns:
        Number of clips synthesised.
    """
    if not jobs:
        return 0
    from tqdm import tqdm

    workers = workers or default_jobs()
    bar = tqdm(
        total=len(jobs), desc="audio", unit="clip", disable=not progress,
        file=sys.stderr, dynamic_ncols=True, leave=False,
    )
    try:
        if workers == 1 or len(jobs) < 4 * workers:
            _init_worker(engine, cache)
            for job in jobs:
                _run_job(job)
                bar.update(1)
            return len(jobs)
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(workers, context, _init_worker, (engine, cache)) as pool:
            futures = [pool.submit(_run_job, job) for job in jobs]
            for future in as_completed(futures):
                future.result()
                bar.update(1)
        return len(jobs)
    finally:
        bar.close()
