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

from search_index.store import link_file, write_new

from . import converter


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
        key = self.key(output)
        if not self.link(key, dest):
            self.store(self.folder, key, dest, convert())
        return key

    def key(self, output: str) -> str:
        """The cache key of the page whose HTML is ``output`` (counted as used)."""
        key = hashlib.sha256(f"{self.prefix}\0{output}".encode()).hexdigest()[:40]
        self.used.add(key)
        return key

    def link(self, key: str, dest: Path) -> bool:
        """Put the kept plain text of ``key`` at ``dest``; False when none is kept (then
        convert the page and :meth:`store` it)."""
        kept = self.folder / f"{key}.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(kept, dest)
            self.hits += 1
            return True
        except FileNotFoundError:
            pass
        except OSError:  # another file system: copy
            if kept.is_file():
                write_new(dest, kept.read_bytes())
                self.hits += 1
                return True
        self.misses += 1
        return False

    @staticmethod
    def store(folder: Path, key: str, dest: Path, text: str) -> None:
        """Write a converted page at ``dest`` and keep it under ``key`` in ``folder``
        (a static method: the build's conversion process calls it too)."""
        write_new(dest, text.encode("utf-8"))
        # the page's bytes are written once: the cache links the page (whole by then)
        with contextlib.suppress(OSError):  # a cache that cannot be written costs only time
            folder.mkdir(parents=True, exist_ok=True)
            link_file(dest, folder / f"{key}.html")

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
