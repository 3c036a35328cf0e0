"""Plain-text pages kept by content hash, so an unchanged page is not converted again.

Converting a page walks its whole tree in Python (a few milliseconds a page, ten seconds
for the 3,000 laws); its result depends only on the page's HTML, the set of pages that
have a plain-text twin (links are pointed at them), the plugin's options and the
converter's code. A full build with the cache folder kept (CI restoring ``.tongda-cache``)
links each unchanged page's twin from the cache instead. Entries no build used are
dropped at the end of the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from search_index.store import link_file

from . import converter


def _write_new(dest: Path, data: bytes) -> None:
    """Write ``dest`` as a new file: one already there (a page served and refreshed in
    place) may be a link to a cache entry, which must keep its content."""
    try:
        fh = open(dest, "xb")  # noqa: SIM115 - closed below
    except FileExistsError:
        dest.unlink()
        fh = open(dest, "xb")  # noqa: SIM115 - closed below
    with fh:
        fh.write(data)


class TextCache:
    """``<folder>/<key>.html`` for each plain-text page, keyed by its inputs.

    Args:
        folder: The cache folder (created when first written).
        settings: Everything besides the page's HTML that the result depends on.
    """

    def __init__(self, folder: Path, settings: Iterable[object]) -> None:
        self.folder = folder
        code = Path(converter.__file__).read_bytes()
        blob = json.dumps([hashlib.sha256(code).hexdigest(), *settings], ensure_ascii=False,
                          default=str)
        self.prefix = hashlib.sha256(blob.encode()).hexdigest()[:16]
        self.used: set[str] = set()
        self.hits = 0
        self.misses = 0

    def write(self, output: str, dest: Path, convert: Callable[[], str]) -> str:
        """Put the plain text of ``output`` at ``dest``: linked from the cache, or
        converted, written and kept. Returns its key (see :meth:`keep`)."""
        key = hashlib.sha256(f"{self.prefix}\0{output}".encode()).hexdigest()[:40]
        self.used.add(key)
        kept = self.folder / f"{key}.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(kept, dest)
            self.hits += 1
            return key
        except FileNotFoundError:
            pass
        except OSError:  # another file system: copy
            if kept.is_file():
                _write_new(dest, kept.read_bytes())
                self.hits += 1
                return key
        self.misses += 1
        data = convert().encode("utf-8")
        _write_new(dest, data)
        # the page's bytes are written once: the cache links the page (whole by then)
        with contextlib.suppress(OSError):  # a cache that cannot be written costs only time
            self.folder.mkdir(parents=True, exist_ok=True)
            link_file(dest, kept)
        return key

    def keep(self, key: object) -> None:
        """A page reused from the previous site still needs its entry (a full build
        without the previous site will look for it)."""
        if isinstance(key, str):
            self.used.add(key)

    def prune(self) -> None:
        """Drop what this build did not use (old versions of pages)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*.html"):
            if path.stem not in self.used:
                path.unlink(missing_ok=True)
