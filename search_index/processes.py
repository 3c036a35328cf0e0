"""Stopping a build's helper processes (search analysis, plain text, accessibility rules)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor


def stop_pool(pool: ProcessPoolExecutor | None, *, wait: bool) -> None:
    """Shut ``pool`` down. With ``wait``, after its work; without (a build that failed or
    stopped: the results are not wanted), its queued work is dropped and its processes are
    terminated at once instead of finishing what they hold."""
    if pool is None:
        return
    workers = list(getattr(pool, "_processes", {}).values())
    pool.shutdown(wait=wait, cancel_futures=True)
    if not wait:
        for worker in workers:
            worker.terminate()
