"""Run a command and print, every few seconds, how busy it and its child processes kept the
CPU: where a build's cores sit idle (a measuring aid for ``docs/benchmarks.md``).

    cd <bench folder> && python /path/to/bench/cpu_timeline.py tongda build -f tongda-full.yml

Each line is a five-second window: the command's own process and all its descendants
together, in percent of one core (200 % is both cores of a two-core machine). Linux only
(``/proc``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
WINDOW = 5


def _processes() -> dict[int, tuple[int, int]]:
    """Every process: (parent pid, CPU ticks used)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as fh:
                stat = fh.read()
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        found[int(name)] = (int(rest[1]), int(rest[11]) + int(rest[12]))
    return found


def _descendants(table: dict[int, tuple[int, int]], root: int) -> set[int]:
    ids = {root}
    grew = True
    while grew:
        grew = False
        for pid, (parent, _ticks) in table.items():
            if parent in ids and pid not in ids:
                ids.add(pid)
                grew = True
    return ids


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: dict[int, int] = {}
    start = time.monotonic()
    rows: list[tuple[float, float, float]] = []
    while proc.poll() is None:
        time.sleep(1)
        table = _processes()
        ticks = {pid: table[pid][1] for pid in _descendants(table, proc.pid) if pid in table}
        own = (ticks.get(proc.pid, 0) - seen.get(proc.pid, 0)) / TICK
        children = sum(t - seen.get(pid, 0) for pid, t in ticks.items() if pid != proc.pid) / TICK
        seen.update(ticks)
        rows.append((time.monotonic() - start, own, children))
    for i in range(0, len(rows), WINDOW):
        window = rows[i:i + WINDOW]
        own = sum(r[1] for r in window) / len(window) * 100
        children = sum(r[2] for r in window) / len(window) * 100
        print(f"{window[0][0]:5.0f} s  command {own:4.0f} %  children {children:4.0f} %")
    print(f"total {time.monotonic() - start:.1f} s, exit {proc.returncode}")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
