"""The applications function under uvicorn, stopping for good at one point of a decision.

Run as ``python crash_server.py PORT PAUSE MARKER`` with ``DATABASE_URL``,
``TONGDA_SITE_DIR`` and ``TONGDA_REGISTRY_DIR`` set. ``PAUSE`` names where a decision
stops, inside its transaction, after writing a file ``MARKER`` so the test knows it is
there and can kill the process (SIGKILL) in the middle of the decision:

- ``before-payment``: the approval is written, its payment instruction not yet;
- ``after-payment``: both written, the audit entry and the commit not yet;
- ``none``: no pause (the server the test restarts afterwards).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import uvicorn

from functions.apply import store
from functions.apply.app import create_app


def pause_at(point: str, marker: Path) -> None:
    """Make ``store.create_payment`` stop before or after it writes."""
    real = store.create_payment

    def stopping(*args: Any, **kwargs: Any) -> str:
        if point == "before-payment":
            marker.write_text(point, encoding="utf-8")
            time.sleep(3600)
        payment_id = real(*args, **kwargs)
        if point == "after-payment":
            marker.write_text(point, encoding="utf-8")
            time.sleep(3600)
        return payment_id

    store.create_payment = stopping  # type: ignore[assignment]


def main() -> None:
    port, point, marker = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    if point != "none":
        pause_at(point, marker)
    uvicorn.run(create_app(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
