"""The garbage collector kept off the corpus while a build runs (see ``gc_freeze``)."""

from __future__ import annotations

import gc

_BUILD_GC_THRESHOLDS = (50_000, 20, 20)


def gc_freeze() -> tuple[int, ...]:
    """Keep the garbage collector off the corpus for the rest of the build; return the
    thresholds to put back.

    The corpus (front matter, bodies, the graph) lives until the build ends, yet every full
    collection walks it again: hundreds of thousands of objects, tens of milliseconds a
    time. Freezing moves what exists now out of the collector's sight, and a larger
    first-generation threshold (as mypy does) stops the per-page dicts from triggering a
    collection every 700 allocations. ``on_post_build`` and ``on_build_error`` undo both
    (``gc_thaw``), so ``tongda serve`` frees one build's corpus before the next.
    """
    saved = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*_BUILD_GC_THRESHOLDS)
    return saved


def gc_thaw(saved: tuple[int, ...] | None) -> None:
    if saved is not None:
        gc.set_threshold(*saved)
        gc.unfreeze()
