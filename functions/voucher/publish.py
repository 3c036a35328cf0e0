"""The files the voucher function publishes for the static site, and where it writes them.

Paths are relative to the site's root, so the same tree is written under the function's
``public/`` folder (which ``tongda build`` copies into every new site: the ``tongda-voucher``
plugin, which never imports this package) and, when the function runs beside a built site
(``tongda serve``), into that site directly:

- ``.well-known/did.json``: the issuer's DID document (did:web);
- ``voucher/data/status-<n>.json``: the signed status lists, as of the last change;
- ``voucher/data/checkpoint.txt``: the log's newest signed checkpoint.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DID_PATH = ".well-known/did.json"
CHECKPOINT_PATH = "voucher/data/checkpoint.txt"
log = logging.getLogger("tongda.functions.voucher")


def status_path(list_id: int) -> str:
    """Where status list ``list_id`` is published."""
    return f"voucher/data/status-{list_id}.json"


class Publisher:
    """Writes public files atomically under each of ``roots``."""

    def __init__(self, roots: Sequence[Path]) -> None:
        self.roots = [Path(r) for r in roots]

    def json(self, path: str, value: dict[str, Any]) -> None:
        """Publish a JSON document."""
        self.text(path, json.dumps(value, ensure_ascii=False, indent=2) + "\n")

    def text(self, path: str, value: str) -> None:
        """Publish a text file (every root; a root that fails is logged, not fatal)."""
        for root in self.roots:
            target = root / path
            try:
                _write(target, value)
            except OSError as exc:
                # The site may be mid-rebuild; the next build copies public/ again.
                log.warning("未能发布 %s：%s", target, exc)


def _write(target: Path, value: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".pub-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(value)
        os.chmod(tmp, 0o644)  # public files: the web server must read them
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
