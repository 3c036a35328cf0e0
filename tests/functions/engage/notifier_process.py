"""The notifier (``tongda engage notify``) in a process of its own, stopping for good at a point.

Run as ``python notifier_process.py POINT MARKER`` with ``DATABASE_URL``,
``TONGDA_SITE_DIR`` and ``TONGDA_SMTP_*`` set. ``POINT`` names where it stops, after
writing ``MARKER`` so the test knows it is there and can kill it (SIGKILL):

- ``planned``: the outbox is written, nothing sent;
- ``recorded:N``: N messages sent and recorded, the next not yet claimed;
- ``accepted:N``: the Nth message accepted by its receiver, not yet recorded as sent;
- ``none``: no stop (the notifier run again afterwards).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from functions.engage.cli import open_engage


def stop(marker: Path, point: str) -> None:
    marker.write_text(point, encoding="utf-8")
    time.sleep(3600)


def main(point: str, marker: Path) -> None:
    parts = open_engage(None, None)
    parts.plan()
    if point == "planned":
        stop(marker, point)
    step, _, count = point.partition(":")
    seen = {"accepted": 0, "recorded": 0}

    def hook(name: str, message: str) -> None:
        if name in seen:
            seen[name] += 1
            if name == step and seen[name] == int(count):
                stop(marker, point)

    report = parts.deliver(lease=1.0, hook=hook)
    print(report.as_dict(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
