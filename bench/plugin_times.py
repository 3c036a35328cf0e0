"""Time each plugin's events in one ``tongda build`` (run from the project folder).

    cd <project> && python /path/to/bench/plugin_times.py -f tongda-full.yml --edit 30

``--edit N`` appends a sentence to the N-th file of ``content/policies`` first (a one-edit
rebuild); ``--profile module:Class:method`` profiles that method (cProfile, cumulative; the
flag may be given more than once, each method profiled on its own).
Prints the build's wall time and the 25 largest (plugin, event) times. Not a test: a
measuring aid for ``docs/benchmarks.md``.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib
import pstats
import time
from pathlib import Path
from typing import Any

from mkdocs.plugins import PluginCollection

TIMES: dict[tuple[str, str], float] = {}


def _timed_run_event(self: Any, name: str, item: Any = None, **kwargs: Any) -> Any:
    """MkDocs' ``PluginCollection.run_event``, timing each plugin's method."""
    pass_item = item is not None
    for method in self.events[name]:
        self._current_plugin = self._event_origins.get(method, "<unknown>")
        began = time.monotonic()
        result = method(item, **kwargs) if pass_item else method(**kwargs)
        key = (self._current_plugin, name)
        TIMES[key] = TIMES.get(key, 0.0) + time.monotonic() - began
        if result is not None:
            item = result
    self._current_plugin = None
    return item


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-f", "--config", default="mkdocs.yml")
    ap.add_argument("--edit", type=int, default=-1)
    ap.add_argument("--profile", action="append", default=[])
    args = ap.parse_args()
    PluginCollection.run_event = _timed_run_event  # type: ignore[method-assign]
    profilers = {target: _profile(target) for target in args.profile}
    if args.edit >= 0:
        law = sorted(Path("content/policies").glob("*.md"))[args.edit]
        with law.open("a", encoding="utf-8") as fh:
            fh.write("\n\n为计时追加的一段文字。\n")
    from site_builder.commands.build import build_site

    began = time.monotonic()
    build_site(args.config)
    total = time.monotonic() - began
    print(f"build {total:.1f} s, plugins {sum(TIMES.values()):.1f} s")
    for (plugin, event), seconds in sorted(TIMES.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {seconds:6.2f}  {plugin}.{event}")
    for target, profiler in profilers.items():
        print(f"\n== {target}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def _profile(target: str) -> cProfile.Profile:
    """Profile every call of ``module:Class:method``."""
    profiler = cProfile.Profile()
    module, cls_name, meth = target.split(":")
    cls = getattr(importlib.import_module(module), cls_name)
    original = getattr(cls, meth)

    def wrapped(self: Any, *a: Any, **k: Any) -> Any:
        profiler.enable()
        try:
            return original(self, *a, **k)
        finally:
            profiler.disable()

    setattr(cls, meth, wrapped)
    return profiler


if __name__ == "__main__":  # the search's worker processes are spawned: the guard matters
    main()
