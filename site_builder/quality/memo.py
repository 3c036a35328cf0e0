"""What the quality rules compute from one document's body, kept between builds by a hash
of the body: a rebuild after one edit computes it again for that document only.

The rules read every body of the corpus each build (links and headings for broken links
and anchors, the near-duplicate sketches, how much text there is): about 1.5 s of every
rebuild of the 2,978 laws. Each fact is stored under its name, the body's hash and
whatever else it depends on (the body's first line in its file); the file is tied to the
code that computes the facts and rewritten only when it gained a fact.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from search_index.store import read_kept, write_kept

T = TypeVar("T")

_FILE = "bodies.pickle"


def _code_version() -> str:
    from . import dedupe, markdown_scan, memo, rules_completeness

    h = hashlib.sha256()
    for module in (dedupe, markdown_scan, memo, rules_completeness):
        h.update(Path(module.__file__ or "").read_bytes())
    return h.hexdigest()[:16]


class BodyMemo:
    """Facts by (name, body hash, extra); without a folder, a memo for one run only."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.version = _code_version() if folder is not None else ""
        self._old: dict[tuple[str, str, Any], Any] = {}
        self._new: dict[tuple[str, str, Any], Any] = {}
        self._digests: dict[str, str] = {}
        self.computed = 0
        kept = read_kept(folder / _FILE, self.version) if folder is not None else None
        if kept is not None:
            self._old = kept["facts"]

    def digest(self, body: str) -> str:
        got = self._digests.get(body)
        if got is None:
            got = self._digests[body] = hashlib.blake2b(body.encode(), digest_size=16).hexdigest()
        return got

    def get(self, name: str, body: str, extra: Any, compute: Callable[[], T]) -> T:
        """The fact ``name`` of ``body`` (with ``extra``): kept, or computed and kept."""
        key = (name, self.digest(body), extra)
        if key in self._new:
            return self._new[key]  # type: ignore[no-any-return]
        if key in self._old:
            value = self._new[key] = self._old[key]
            return value  # type: ignore[no-any-return]
        value = self._new[key] = compute()
        self.computed += 1
        return value

    def save(self) -> None:
        """Keep this run's facts (only the ones it used) when it computed any."""
        if self.folder is None or (not self.computed and len(self._new) == len(self._old)):
            return
        with contextlib.suppress(OSError):  # a memo that cannot be written costs only time
            write_kept(self.folder / _FILE, self.version, {"facts": self._new})
